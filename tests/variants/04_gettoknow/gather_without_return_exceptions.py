async def list_squares(n):
    # Wrong: square(7)'s ValueError comes out of gather and the other results are lost.
    return await asyncio.gather(*(square(x) for x in range(n)))
