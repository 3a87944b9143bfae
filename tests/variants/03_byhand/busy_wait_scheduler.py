def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    # Wrong: spins on the clock instead of sleeping until the next wake-up.
    results = [None] * len(coros)
    wake_at = {index: clock() for index in range(len(coros))}
    while wake_at:
        index = min(wake_at, key=lambda i: (wake_at[i], i))
        while clock() < wake_at[index]:
            pass
        try:
            wake_at[index] = clock() + coros[index].send(None)
        except StopIteration as finished:
            results[index] = finished.value
            del wake_at[index]
    return results
