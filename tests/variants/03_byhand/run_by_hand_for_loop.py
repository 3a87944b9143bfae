# Wrong: loops over the coroutine with for, as if it were a generator.
def run_by_hand(coro, sleep=time.sleep):
    for delay in coro:
        sleep(delay)
