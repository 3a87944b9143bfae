# Wrong: blocking_square(7) called in the list given to gather: a number, not an awaitable.
async def list_squares_with_executor(n):
    waits = [
        blocking_square(x) if x == 7 else square(x)
        for x in range(n)
    ]
    return await asyncio.gather(*waits)
