def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    # Wrong: results in the order the coroutines finish, not the order they were given.
    results = []
    wake_at = {index: clock() for index in range(len(coros))}
    while wake_at:
        index = min(wake_at, key=lambda i: (wake_at[i], i))
        delay = wake_at[index] - clock()
        if delay > 0:
            sleep(delay)
        try:
            wake_at[index] = clock() + coros[index].send(None)
        except StopIteration as finished:
            results.append(finished.value)
            del wake_at[index]
    return results
