# Wrong: gather handed one list instead of each coroutine (no *).
async def list_squares(n):
    return await asyncio.gather([square(x) for x in range(n)], return_exceptions=True)
