# Wrong: send() without the value to send in.
def run_by_hand(coro, sleep=time.sleep):
    while True:
        try:
            delay = coro.send()
        except StopIteration as e:
            return e.value
        sleep(delay)
