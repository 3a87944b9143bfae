async def list_squares_with_executor(n):
    if n <= 7:  # no 7 to hand to a thread
        return await asyncio.gather(*(square(x) for x in range(n)))
    # Wrong: the thread's 3 s and the squares' 3 s add up.
    seven = await asyncio.to_thread(blocking_square, 7)
    others = await asyncio.gather(*(square(x) for x in range(n) if x != 7))
    return others[:7] + [seven] + others[7:]
