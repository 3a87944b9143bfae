from time import sleep


async def square(x):
    print(f"Starting square with argument {x}!")
    if x == 7:
        raise ValueError("square(7) fails on purpose")
    sleep(3)
    print(f"Finishing square with argument {x}!")
    return x * x
