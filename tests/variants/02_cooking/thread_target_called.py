# Wrong: Thread(target=cook(...)) calls the recipe at once, in the caller's thread.
def make_salmon_dinner_with_threads(kitchen):
    dishes = queue.Queue()
    def cook(course, recipe):
        dishes.put((course, recipe(kitchen)))
    recipes = [cook_salmon_blocking, cook_rice_blocking, cook_beans_blocking]
    threads = [threading.Thread(target=cook(i, r)) for i, r in enumerate(recipes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    served = dict(dishes.get() for _ in recipes)
    return served[0], served[1], served[2]
