async def cook_salmon(kitchen):
    # Wrong: the preheat runs as a task, but the salmon goes in before it has finished.
    preheating = asyncio.create_task(kitchen.oven.preheat(350))
    salmon = kitchen.arrange_filets()
    salmon.dress("orange-ginger dressing", tbsp_each=2)
    await kitchen.oven.bake(salmon, minutes=18)
    await preheating
    return salmon
