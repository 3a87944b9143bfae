# Wrong: reads time.monotonic() directly instead of the clock it was given.
def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    results = [None] * len(coros)
    wake_at = {index: time.monotonic() for index in range(len(coros))}
    while wake_at:
        index = min(wake_at, key=lambda i: (wake_at[i], i))
        delay = wake_at[index] - time.monotonic()
        if delay > 0:
            sleep(delay)
        try:
            wake_at[index] = time.monotonic() + coros[index].send(None)
        except StopIteration as finished:
            results[index] = finished.value
            del wake_at[index]
    return results
