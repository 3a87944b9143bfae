# Right: the oven preheats in a task while the salmon is arranged and dressed, and the recipe
# waits for that task, however long this kitchen's oven takes, before it bakes.
async def cook_salmon(kitchen):
    preheating = asyncio.create_task(kitchen.oven.preheat(350))
    salmon = kitchen.arrange_filets()
    salmon.dress("orange-ginger dressing", tbsp_each=2)
    await preheating
    await kitchen.oven.bake(salmon, minutes=18)
    return salmon
