def make_salmon_dinner_with_threads(kitchen):
    # Wrong: the dishes are taken off the queue in the order the tutorial's kitchen sends them
    # (beans, salmon, rice); a kitchen whose oven is slower sends the rice before the salmon.
    dishes = queue.Queue()
    recipes = [cook_salmon_blocking, cook_rice_blocking, cook_beans_blocking]
    threads = [threading.Thread(target=lambda r=recipe: dishes.put(r(kitchen)))
               for recipe in recipes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    beans, salmon, rice = dishes.get(), dishes.get(), dishes.get()
    return salmon, rice, beans
