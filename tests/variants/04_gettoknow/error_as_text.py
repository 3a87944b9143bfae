# Wrong: the error's text in the list instead of the exception object.
async def list_squares(n):
    results = await asyncio.gather(*(square(x) for x in range(n)), return_exceptions=True)
    return [str(r) if isinstance(r, Exception) else r for r in results]
