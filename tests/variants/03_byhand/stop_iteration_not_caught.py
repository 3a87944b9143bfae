def run_by_hand(coro, sleep=time.sleep):
    # Wrong: never catches the StopIteration that carries the coroutine's result.
    while True:
        sleep(coro.send(None))
