import time


async def cook_beans(kitchen):
    # Wrong: a moment's blocking pause, on top of the kitchen's own wait.
    beans = kitchen.bag_of_green_beans()
    beans.poke()
    await kitchen.microwave.cook(beans, minutes=5)
    time.sleep(0.5)
    return beans
