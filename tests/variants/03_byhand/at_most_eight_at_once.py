# Wrong: a scheduler that keeps at most eight coroutines going and starts the next one when one
# finishes: right for the tutorial's two cubes, slow for nine coroutines or more.
def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    results = [None] * len(coros)
    waiting = list(range(len(coros)))
    wake_at = {}
    while waiting or wake_at:
        while waiting and len(wake_at) < 8:
            wake_at[waiting.pop(0)] = clock()
        index = min(wake_at, key=lambda i: (wake_at[i], i))
        delay = wake_at[index] - clock()
        if delay > 0:
            sleep(delay)
        try:
            wake_at[index] = clock() + coros[index].send(None)
        except StopIteration as finished:
            results[index] = finished.value
            del wake_at[index]
    return results
