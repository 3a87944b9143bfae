def make_salmon_dinner_with_threads(kitchen):
    # Wrong: the dishes come off the queue in the order they were done (beans, salmon, rice).
    dishes = queue.Queue()
    recipes = [cook_salmon_blocking, cook_rice_blocking, cook_beans_blocking]
    threads = [threading.Thread(target=lambda r=recipe: dishes.put(r(kitchen)))
               for recipe in recipes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return dishes.get(), dishes.get(), dishes.get()
