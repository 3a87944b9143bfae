async def list_squares_with_executor(n):
    if n <= 7:  # no 7 to hand to a thread
        return await asyncio.gather(*(square(x) for x in range(n)))
    # Wrong: the thread only starts once every square has finished.
    loop = asyncio.get_running_loop()
    others = await asyncio.gather(*(square(x) for x in range(n) if x != 7))
    seven = await loop.run_in_executor(None, blocking_square, 7)
    return others[:7] + [seven] + others[7:]
