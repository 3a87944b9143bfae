# Wrong: asyncio.run inside the coroutine, where a loop already runs.
async def make_salmon_dinner(kitchen):
    return tuple(asyncio.run(asyncio.gather(cook_salmon(kitchen), cook_rice(kitchen), cook_beans(kitchen))))
