async def list_squares(n):
    # Wrong: returns the gathering future itself instead of awaiting its results.
    return asyncio.gather(*(square(x) for x in range(n)), return_exceptions=True)
