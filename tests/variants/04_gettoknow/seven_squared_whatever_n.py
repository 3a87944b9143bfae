async def list_squares_with_executor(n):
    # Wrong: 7 is squared even when n <= 7, where it is not one of 0..n-1.
    loop = asyncio.get_running_loop()
    seven = loop.run_in_executor(None, blocking_square, 7)
    others = await asyncio.gather(*(square(x) for x in range(n) if x != 7))
    return others[:7] + [await seven] + others[7:]
