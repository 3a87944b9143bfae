# Wrong: asyncio.wait handed coroutines instead of tasks.
async def list_squares(n):
    coros = [square(x) for x in range(n)]
    done, _ = await asyncio.wait(coros)
    return [t.exception() or t.result() for t in done]
