# Wrong: cook_beans forgets to return its dish.
async def cook_beans(kitchen):
    beans = kitchen.bag_of_green_beans()
    beans.poke()
    await kitchen.microwave.cook(beans, minutes=5)
