async def cook_salmon(kitchen):
    # Handwork first, then the waits: the filets are ready when the oven is.
    salmon = kitchen.arrange_filets()
    salmon.dress("orange-ginger dressing", tbsp_each=2)
    await kitchen.oven.preheat(350)
    await kitchen.oven.bake(salmon, minutes=18)
    return salmon
