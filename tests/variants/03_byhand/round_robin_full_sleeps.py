def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    # Wrong: takes turns, but sleeps each yielded delay in full, one after another.
    results = [None] * len(coros)
    running = list(range(len(coros)))
    while running:
        for index in list(running):
            try:
                sleep(coros[index].send(None))
            except StopIteration as done:
                results[index] = done.value
                running.remove(index)
    return results
