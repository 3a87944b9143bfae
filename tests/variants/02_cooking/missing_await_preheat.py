async def cook_salmon(kitchen):
    # Wrong: the preheat coroutine is made but never awaited, so the oven stays cold.
    kitchen.oven.preheat(350)
    salmon = kitchen.arrange_filets()
    salmon.dress("orange-ginger dressing", tbsp_each=2)
    await kitchen.oven.bake(salmon, minutes=18)
    return salmon
