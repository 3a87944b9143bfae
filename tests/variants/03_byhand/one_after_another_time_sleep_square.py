async def square(x):
    # Wrong: time.sleep cannot hand control back to whoever drives the coroutine.
    print(f"Starting square with argument {x}!")
    time.sleep(3)
    print(f"Finishing square with argument {x}!")
    return x * x


def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    # Wrong too: each coroutine runs to its end before the next one starts.
    return [run_by_hand(coro, sleep=sleep) for coro in coros]
