def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    # Wrong: each coroutine runs to its end before the next one starts.
    return [run_by_hand(coro, sleep=sleep) for coro in coros]
