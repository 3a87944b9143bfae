# Wrong: square sleeps x seconds instead of 3.
async def square(x):
    print(f"Starting square with argument {x}!")
    await manual_sleep(x)
    print(f"Finishing square with argument {x}!")
    return x * x
