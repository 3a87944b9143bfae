pause = time.sleep


async def square(x):
    print(f"Starting square with argument {x}!")
    if x == 7:
        raise ValueError("square(7) fails on purpose")
    pause(3)
    print(f"Finishing square with argument {x}!")
    return x * x
