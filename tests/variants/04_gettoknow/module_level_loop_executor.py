# Wrong: a loop got at import, used by the coroutine instead of the running one.
loop = asyncio.get_event_loop()
async def list_squares_with_executor(n):
    waits = [
        loop.run_in_executor(None, blocking_square, x) if x == 7 else square(x)
        for x in range(n)
    ]
    return await asyncio.gather(*waits)
