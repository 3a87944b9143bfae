# Wrong: the recipes started as tasks, then the dinner sleeps a little over the 37 minutes the
# rice takes in the tutorial's kitchen: late there, and too early in a kitchen whose minutes last
# longer.
async def make_salmon_dinner(kitchen):
    tasks = [asyncio.create_task(recipe(kitchen)) for recipe in (cook_salmon, cook_rice, cook_beans)]
    await asyncio.sleep(38)
    return tuple(task.result() for task in tasks)
