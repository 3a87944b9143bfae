async def make_salmon_dinner(kitchen):
    # Wrong: salmon and rice together, but the beans only once both are done.
    salmon, rice = await asyncio.gather(cook_salmon(kitchen), cook_rice(kitchen))
    beans = await cook_beans(kitchen)
    return salmon, rice, beans
