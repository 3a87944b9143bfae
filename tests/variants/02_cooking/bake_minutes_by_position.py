# Wrong: bake's minutes given by position, though the kitchen wants them by name.
async def cook_salmon(kitchen):
    await kitchen.oven.preheat(350)
    salmon = kitchen.arrange_filets()
    salmon.dress("orange-ginger dressing", tbsp_each=2)
    await kitchen.oven.bake(salmon, 18)
    return salmon
