def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    results = [None] * len(coros)
    due = {index: clock() for index in range(len(coros))}
    while due:
        now = clock()
        ready = [index for index, at in due.items() if at <= now]
        if not ready:
            sleep(0.5)  # Wrong: polls every half second instead of sleeping until the first is due
            continue
        for index in ready:
            try:
                delay = coros[index].send(None)
            except StopIteration as done:
                results[index] = done.value
                del due[index]
            else:
                due[index] = now + delay
    return results
