# Wrong: the three tasks returned as the dinner, before they have cooked.
async def make_salmon_dinner(kitchen):
    meat = asyncio.create_task(cook_salmon(kitchen))
    starch = asyncio.create_task(cook_rice(kitchen))
    veggie = asyncio.create_task(cook_beans(kitchen))
    await asyncio.sleep(0)
    return meat, starch, veggie
