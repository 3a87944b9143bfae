"""Coroutines run by hand: no event loop, just send() and a sleep of your own.

Fill in each TODO. Check your work with `make check EXERCISE=03`.
"""

import time
import types


@types.coroutine
def manual_sleep(n):
    """Pause the coroutine that awaits this, handing the delay `n` to whoever drives it."""
    # TODO: your code here
    raise NotImplementedError


async def square(x):
    """Print a start line, sleep 3 s by hand, print a finish line, return x * x."""
    # TODO: your code here
    raise NotImplementedError


async def cube(x):
    """Print a start line, sleep 3 s by hand, await square(x), print a finish line, return x**3."""
    # TODO: your code here
    raise NotImplementedError


def run_by_hand(coro, sleep=time.sleep):
    """Drive one coroutine with send(None) to its end, sleeping every delay it yields.

    Returns the coroutine's return value.
    """
    # TODO: your code here
    raise NotImplementedError


def run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):
    """A tiny scheduler: run every coroutine, interleaved, and return their results in order.

    Always resume the coroutine whose wake-up time comes first; sleep only when none is due yet.
    """
    # TODO: your code here
    raise NotImplementedError


if __name__ == "__main__":
    print(run_by_hand(cube(2)))
    print(run_concurrently(cube(5), cube(10)))
