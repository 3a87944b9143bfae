def make_salmon_dinner_with_threads(kitchen):
    # Wrong: a thread keeps no return value; the dishes are cooked, then lost.
    recipes = [cook_salmon_blocking, cook_rice_blocking, cook_beans_blocking]
    threads = [threading.Thread(target=recipe, args=(kitchen,)) for recipe in recipes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return None, None, None
