def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    results = {}
    waiting = [(clock(), i, c) for i, c in enumerate(coros)]
    while waiting:
        waiting.sort(key=lambda entry: (entry[0], entry[1]))
        wake, i, coro = waiting.pop(0)
        if wake > clock():
            sleep(wake - clock())
        try:
            pause = coro.send(None)
            waiting.append((clock() + pause, i, coro))
        except StopIteration as stop:
            results[i] = stop.value
    return [results[i] for i in range(len(coros))]


def run_by_hand(coro, sleep=time.sleep):
    try:
        while True:
            sleep(coro.send(None))
    except StopIteration as stop:
        return stop.value
