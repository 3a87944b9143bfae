def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    # Wrong: polls in steps of 0.1 s; the steps add up with rounding and fall just short.
    results = [None] * len(coros)
    wake_at = {index: clock() for index in range(len(coros))}
    while wake_at:
        index = min(wake_at, key=lambda i: (wake_at[i], i))
        while clock() < wake_at[index]:
            sleep(0.1)
        try:
            wake_at[index] = clock() + coros[index].send(None)
        except StopIteration as finished:
            results[index] = finished.value
            del wake_at[index]
    return results
