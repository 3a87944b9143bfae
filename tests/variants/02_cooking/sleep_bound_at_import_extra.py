from time import sleep


async def cook_beans(kitchen):
    # Wrong: a moment's blocking pause, bound at import, on top of the kitchen's own wait.
    beans = kitchen.bag_of_green_beans()
    beans.poke()
    await kitchen.microwave.cook(beans, minutes=5)
    sleep(0.5)
    return beans
