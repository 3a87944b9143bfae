def make_salmon_dinner_with_threads(kitchen):
    # Daemon threads, no join: taking three dishes off the queue is the wait.
    dishes = queue.Queue()
    for course, recipe in (("meat", cook_salmon_blocking), ("starch", cook_rice_blocking),
                           ("veggie", cook_beans_blocking)):
        threading.Thread(target=lambda c=course, r=recipe: dishes.put((c, r(kitchen))),
                         daemon=True).start()
    served = {}
    while len(served) < 3:
        course, dish = dishes.get()
        served[course] = dish
    return served["meat"], served["starch"], served["veggie"]
