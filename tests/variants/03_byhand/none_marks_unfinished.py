# Wrong: a scheduler that takes a result of None to mean "not finished yet": right while every
# coroutine returns something, broken by one that returns None (it is sent again).
def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    results = [None] * len(coros)
    wake_at = [clock()] * len(coros)
    while any(result is None for result in results):
        index = min((i for i in range(len(coros)) if results[i] is None),
                    key=lambda i: wake_at[i])
        if wake_at[index] > clock():
            sleep(wake_at[index] - clock())
        try:
            wake_at[index] = clock() + coros[index].send(None)
        except StopIteration as finished:
            results[index] = finished.value
    return results
