# Wrong: every coroutine resumed in turn, then the longest delay slept: cubes still take 6 s,
# but a coroutine due sooner waits for the slowest.
def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    results = [None] * len(coros)
    pending = list(range(len(coros)))
    while pending:
        delays = []
        for i in list(pending):
            try:
                delays.append(coros[i].send(None))
            except StopIteration as e:
                results[i] = e.value
                pending.remove(i)
        if delays:
            sleep(max(delays))
    return results
