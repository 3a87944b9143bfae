async def make_salmon_dinner(kitchen):
    # Wrong: gather gives a list; the dinner is a tuple.
    return await asyncio.gather(cook_salmon(kitchen), cook_rice(kitchen), cook_beans(kitchen))
