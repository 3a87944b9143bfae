# Wrong: each task's result() read at once, before the tasks have run.
async def make_salmon_dinner(kitchen):
    meat = asyncio.create_task(cook_salmon(kitchen))
    starch = asyncio.create_task(cook_rice(kitchen))
    veggie = asyncio.create_task(cook_beans(kitchen))
    return meat.result(), starch.result(), veggie.result()
