async def list_squares_with_executor(n):
    # Right: the thread starts first and works while the squares sleep; awaited last.
    if n <= 7:
        return await asyncio.gather(*(square(x) for x in range(n)))
    loop = asyncio.get_running_loop()
    seven = loop.run_in_executor(None, blocking_square, 7)
    others = await asyncio.gather(*(square(x) for x in range(n) if x != 7))
    return others[:7] + [await seven] + others[7:]
