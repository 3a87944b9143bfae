async def make_salmon_dinner(kitchen):
    salmon = asyncio.create_task(cook_salmon(kitchen))
    rice = asyncio.create_task(cook_rice(kitchen))
    beans = asyncio.create_task(cook_beans(kitchen))
    return await salmon, await rice, await beans
