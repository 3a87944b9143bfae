# Right: the recipes handed to asyncio.as_completed, the dishes sorted back into place by name.
async def make_salmon_dinner(kitchen):
    cooking = asyncio.as_completed([cook_salmon(kitchen), cook_rice(kitchen), cook_beans(kitchen)])
    dishes = {}
    for next_dish in cooking:
        dish = await next_dish
        dishes[dish.name] = dish
    return dishes["salmon"], dishes["rice pilaf"], dishes["green beans"]
