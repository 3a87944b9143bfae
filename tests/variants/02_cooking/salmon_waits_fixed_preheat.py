# Wrong: the oven preheats in a task of its own while the salmon is dressed, and the recipe
# sleeps the tutorial's 12 minutes instead of waiting for the oven: right only in that kitchen.
async def cook_salmon(kitchen):
    preheating = asyncio.create_task(kitchen.oven.preheat(350))
    await asyncio.sleep(0)  # the oven starts first
    salmon = kitchen.arrange_filets()
    salmon.dress("orange-ginger dressing", tbsp_each=2)
    await asyncio.sleep(12)
    await kitchen.oven.bake(salmon, minutes=18)
    del preheating
    return salmon
