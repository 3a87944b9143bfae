# Wrong: the dinner looks at its tasks once a second until all are done: exact while every step
# lasts whole seconds, late in a kitchen whose minutes or ovens do not.
async def make_salmon_dinner(kitchen):
    tasks = [asyncio.create_task(recipe(kitchen)) for recipe in (cook_salmon, cook_rice, cook_beans)]
    while not all(task.done() for task in tasks):
        await asyncio.sleep(1)
    return tuple(task.result() for task in tasks)
