def run_by_hand(coro, sleep=time.sleep):
    # Wrong: ignores the sleep it was given and always sleeps for real.
    while True:
        try:
            delay = coro.send(None)
        except StopIteration as finished:
            return finished.value
        time.sleep(delay)
