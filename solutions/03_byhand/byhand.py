"""Coroutines run by hand: no event loop, just send() and a sleep of your own.

Fill in each TODO. Check your work with `make check EXERCISE=03`.
"""

import time
import types


@types.coroutine
def manual_sleep(n):
    """Pause the coroutine that awaits this, handing the delay `n` to whoever drives it."""
    ### BEGIN SOLUTION
    yield n
    ### END SOLUTION


async def square(x):
    """Print a start line, sleep 3 s by hand, print a finish line, return x * x."""
    ### BEGIN SOLUTION
    print(f"Starting square with argument {x}!")
    await manual_sleep(3)
    print(f"Finishing square with argument {x}!")
    return x * x
    ### END SOLUTION


async def cube(x):
    """Print a start line, sleep 3 s by hand, await square(x), print a finish line, return x**3."""
    ### BEGIN SOLUTION
    print(f"Starting cube with argument {x}!")
    await manual_sleep(3)
    y = await square(x)
    print(f"Finishing cube with argument {x}!")
    return x * y
    ### END SOLUTION


def run_by_hand(coro, sleep=time.sleep):
    """Drive one coroutine with send(None) to its end, sleeping every delay it yields.

    Returns the coroutine's return value.
    """
    ### BEGIN SOLUTION
    while True:
        try:
            delay = coro.send(None)
        except StopIteration as finished:
            return finished.value
        sleep(delay)
    ### END SOLUTION


def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    """A tiny scheduler: run every coroutine, interleaved, and return their results in order.

    Always resume the coroutine whose wake-up time comes first; sleep only when none is due yet.
    """
    ### BEGIN SOLUTION
    results = [None] * len(coros)
    wake_at = {index: clock() for index in range(len(coros))}
    while wake_at:
        index = min(wake_at, key=lambda i: (wake_at[i], i))
        delay = wake_at[index] - clock()
        if delay > 0:
            sleep(delay)
        try:
            wake_at[index] = clock() + coros[index].send(None)
        except StopIteration as finished:
            results[index] = finished.value
            del wake_at[index]
    return results
    ### END SOLUTION


if __name__ == "__main__":
    print(run_by_hand(cube(2)))
    print(run_concurrently(cube(5), cube(10)))
