# Right: never reads the clock; keeps what each coroutine still has to wait, less every sleep.
def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    # keeps how long each coroutine still has to wait; never reads the clock
    remaining = [0.0] * len(coros)
    results = [None] * len(coros)
    running = set(range(len(coros)))
    while running:
        index = min(running, key=lambda i: (remaining[i], i))
        wait = remaining[index]
        if wait > 0:
            sleep(wait)
            for other in running:
                remaining[other] -= wait
        try:
            remaining[index] = coros[index].send(None)
        except StopIteration as stop:
            results[index] = stop.value
            running.discard(index)
    return results
