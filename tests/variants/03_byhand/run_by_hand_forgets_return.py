# Wrong: forgets to return the result that StopIteration carries.
def run_by_hand(coro, sleep=time.sleep):
    while True:
        try:
            delay = coro.send(None)
        except StopIteration:
            break
        sleep(delay)
