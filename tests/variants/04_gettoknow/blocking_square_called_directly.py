async def _blocking(x):
    return blocking_square(x)  # Wrong: runs on the event loop's thread, blocking it for 3 s.


async def list_squares_with_executor(n):
    return await asyncio.gather(*(_blocking(x) if x == 7 else square(x) for x in range(n)))
