def cook_beans_blocking(kitchen):
    # Wrong: the bag is never poked; the kitchen refuses, the thread dies, its dish never comes.
    beans = kitchen.bag_of_green_beans()
    kitchen.microwave.cook(beans, minutes=5)
    return beans
