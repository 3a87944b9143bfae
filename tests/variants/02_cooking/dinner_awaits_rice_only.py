# Wrong: all three recipes started, but only the rice, the longest in the tutorial's kitchen, is
# waited for: in a kitchen whose oven is slow, the salmon is not done yet.
async def make_salmon_dinner(kitchen):
    salmon = asyncio.create_task(cook_salmon(kitchen))
    rice = asyncio.create_task(cook_rice(kitchen))
    beans = asyncio.create_task(cook_beans(kitchen))
    await rice
    return salmon.result(), rice.result(), beans.result()
