# Wrong: gather handed one list of coroutines, without *.
async def make_salmon_dinner(kitchen):
    return tuple(await asyncio.gather([cook_salmon(kitchen), cook_rice(kitchen), cook_beans(kitchen)]))
