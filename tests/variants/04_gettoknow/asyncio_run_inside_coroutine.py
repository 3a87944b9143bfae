# Wrong: asyncio.run inside a coroutine, where a loop already runs.
async def list_squares(n):
    return asyncio.run(asyncio.gather(*(square(x) for x in range(n)), return_exceptions=True))
