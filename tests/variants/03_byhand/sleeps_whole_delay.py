def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    # Wrong: picks the coroutine due first, but sleeps its whole delay instead of the time left.
    results = [None] * len(coros)
    wake_at = {index: (clock(), 0) for index in range(len(coros))}
    while wake_at:
        index = min(wake_at, key=lambda i: (wake_at[i][0], i))
        _, delay = wake_at[index]
        if delay > 0:
            sleep(delay)
        try:
            pause = coros[index].send(None)
            wake_at[index] = (clock() + pause, pause)
        except StopIteration as finished:
            results[index] = finished.value
            del wake_at[index]
    return results
