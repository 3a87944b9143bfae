from time import sleep

pause_a_little = lambda seconds: sleep(seconds)  # noqa: E731


async def square(x):
    print(f"Starting square with argument {x}!")
    if x == 7:
        raise ValueError("square(7) fails on purpose")
    pause_a_little(3)  # Wrong: a blocking sleep, behind a lambda kept at import
    print(f"Finishing square with argument {x}!")
    return x * x
