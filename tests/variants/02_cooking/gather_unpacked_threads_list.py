# Right: gather's list unpacked into a tuple; threads that write into a list by position.
async def make_salmon_dinner(kitchen):
    meat, starch, veggie = await asyncio.gather(
        cook_salmon(kitchen), cook_rice(kitchen), cook_beans(kitchen))
    return meat, starch, veggie

def make_salmon_dinner_with_threads(kitchen):
    dishes = [None, None, None]
    def cook(course, recipe):
        dishes[course] = recipe(kitchen)
    recipes = [cook_salmon_blocking, cook_rice_blocking, cook_beans_blocking]
    threads = [threading.Thread(target=cook, args=(i, r)) for i, r in enumerate(recipes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tuple(dishes)
