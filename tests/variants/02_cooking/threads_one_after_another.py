def make_salmon_dinner_with_threads(kitchen):
    # Wrong: each thread is joined before the next one starts.
    dishes = queue.Queue()
    for course, recipe in enumerate([cook_salmon_blocking, cook_rice_blocking,
                                     cook_beans_blocking]):
        thread = threading.Thread(target=lambda c=course, r=recipe: dishes.put((c, r(kitchen))))
        thread.start()
        thread.join()
    served = dict(dishes.get() for _ in range(3))
    return served[0], served[1], served[2]
