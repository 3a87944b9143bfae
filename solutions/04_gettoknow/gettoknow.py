"""Getting to know asyncio: gather, errors, tasks, executors, run_forever, async for, async with.

Fill in each TODO. Check your work with `make check EXERCISE=04`.
"""

import asyncio
import time


async def square(x):
    """Print a start line, sleep 3 s without blocking, print a finish line, return x * x.

    square(7) raises ValueError right after its start line.
    """
    ### BEGIN SOLUTION
    print(f"Starting square with argument {x}!")
    if x == 7:
        raise ValueError("square(7) fails on purpose: 7 is the unlucky number")
    await asyncio.sleep(3)
    print(f"Finishing square with argument {x}!")
    return x * x
    ### END SOLUTION


def blocking_square(x):
    """Provided, leave it as it is: the same as square, but it blocks for 3 s, and 7 is fine."""
    print(f"Starting square with argument {x}!")
    time.sleep(3)
    print(f"Finishing square with argument {x}!")
    return x * x


async def list_squares(n):
    """The squares of 0, 1, ..., n-1, all running at once: 3 s in all, whatever n is.

    A square that fails does not spoil the others: its exception object takes its place in the list.
    """
    ### BEGIN SOLUTION
    return await asyncio.gather(*(square(x) for x in range(n)), return_exceptions=True)
    ### END SOLUTION


async def list_squares_with_executor(n):
    """Like list_squares, but 7 is squared by blocking_square in a worker thread.

    So every result is a number, the event loop never blocks, and it all still takes 3 s.
    """
    ### BEGIN SOLUTION
    loop = asyncio.get_running_loop()
    waits = [
        loop.run_in_executor(None, blocking_square, x) if x == 7 else square(x)
        for x in range(n)
    ]
    return await asyncio.gather(*waits)
    ### END SOLUTION


async def launch_square(x):
    """Start square(x) as a task, print `waiting for square(x)...` once a second until it is done,
    then return its result."""
    ### BEGIN SOLUTION
    task = asyncio.create_task(square(x))
    while not task.done():
        print(f"waiting for square({x})...")
        await asyncio.sleep(1)
    return task.result()
    ### END SOLUTION


async def stop_in(n):
    """Count down `Shutdown in n...` to `Shutdown in 1...`, one line a second, then stop the loop
    that runs this coroutine (so that its run_forever() returns)."""
    ### BEGIN SOLUTION
    loop = asyncio.get_running_loop()
    for left in range(n, 0, -1):
        print(f"Shutdown in {left}...")
        await asyncio.sleep(1)
    loop.stop()
    ### END SOLUTION


class RemoteContainer:
    """Items that live far away: `async for item in RemoteContainer(items)` waits `delay` seconds
    for each one. Each `async for` starts again from the first item."""

    def __init__(self, items, delay=1):
        self.items = list(items)
        self.delay = delay

    def __aiter__(self):
        ### BEGIN SOLUTION
        self.position = 0
        return self
        ### END SOLUTION

    async def __anext__(self):
        ### BEGIN SOLUTION
        if self.position >= len(self.items):
            raise StopAsyncIteration
        await asyncio.sleep(self.delay)
        item = self.items[self.position]
        self.position += 1
        return item
        ### END SOLUTION


class Connection:
    """A pretend database connection: opening it takes 1 s, closing it takes 1 s.

        async with Connection("db://example") as connection:
            await connection.set_key("answer", 42)
    """

    def __init__(self, url):
        self.url = url
        self.closed = False
        self._values = {}

    async def __aenter__(self):
        ### BEGIN SOLUTION
        await asyncio.sleep(1)
        return self
        ### END SOLUTION

    async def __aexit__(self, exc_type, exc, traceback):
        ### BEGIN SOLUTION
        await asyncio.sleep(1)
        self.closed = True
        ### END SOLUTION

    async def set_key(self, key, value):
        self._values[key] = value

    async def get_key(self, key):
        return self._values[key]


async def main():
    print(await list_squares(10))
    print(await list_squares_with_executor(10))
    print(await launch_square(5))
    async for item in RemoteContainer(["one", "two", "three"]):
        print(item)
    async with Connection("db://example") as connection:
        await connection.set_key("answer", 42)
        print(await connection.get_key("answer"))


if __name__ == "__main__":
    asyncio.run(main())
    loop = asyncio.new_event_loop()
    countdown = loop.create_task(stop_in(3))
    loop.run_forever()  # returns when stop_in stops the loop
    countdown.result()
    loop.close()
