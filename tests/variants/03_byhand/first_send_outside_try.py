# Wrong: run_by_hand takes the first delay before its loop, outside the try: right for every
# coroutine that waits at least once (cube, square), broken by one that returns at once.
def run_by_hand(coro, sleep=time.sleep):
    delay = coro.send(None)
    while True:
        sleep(delay)
        try:
            delay = coro.send(None)
        except StopIteration as finished:
            return finished.value
