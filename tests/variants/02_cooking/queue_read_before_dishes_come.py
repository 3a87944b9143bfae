# Wrong: the queue read while it is still empty, right after the threads start.
def make_salmon_dinner_with_threads(kitchen):
    dishes = queue.Queue()
    def cook(course, recipe):
        dishes.put((course, recipe(kitchen)))
    recipes = [cook_salmon_blocking, cook_rice_blocking, cook_beans_blocking]
    for i, r in enumerate(recipes):
        threading.Thread(target=cook, args=(i, r)).start()
    served = {}
    while not dishes.empty():
        course, dish = dishes.get()
        served[course] = dish
    return served.get(0), served.get(1), served.get(2)
