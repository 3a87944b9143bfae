# Right: coroutines kept in buckets by wake-up time; the earliest bucket is run in argument
# order, after sleeping until it is due.
def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    results = {}
    buckets = {clock(): list(range(len(coros)))} if coros else {}
    while buckets:
        due = min(buckets)
        ready = buckets.pop(due)
        if due > clock():
            sleep(due - clock())
        for index in sorted(ready):
            try:
                delay = coros[index].send(None)
            except StopIteration as finished:
                results[index] = finished.value
            else:
                buckets.setdefault(clock() + delay, []).append(index)
    return [results[index] for index in range(len(coros))]
