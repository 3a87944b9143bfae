def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    # Wrong: sleeps half of the time left, then resumes the earliest coroutine as if it were due.
    results = [None] * len(coros)
    wake_at = {index: clock() for index in range(len(coros))}
    while wake_at:
        index = min(wake_at, key=lambda i: (wake_at[i], i))
        left = wake_at[index] - clock()
        if left > 0:
            sleep(left / 2)
        try:
            wake_at[index] = clock() + coros[index].send(None)
        except StopIteration as finished:
            results[index] = finished.value
            del wake_at[index]
    return results
