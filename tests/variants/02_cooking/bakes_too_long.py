async def cook_salmon(kitchen):
    # Wrong: 20 minutes instead of the recipe's 18.
    await kitchen.oven.preheat(350)
    salmon = kitchen.arrange_filets()
    salmon.dress("orange-ginger dressing", tbsp_each=2)
    await kitchen.oven.bake(salmon, minutes=20)
    return salmon
