# Wrong: square prints its result on an extra line.
async def square(x):
    print(f"Starting square with argument {x}!")
    await manual_sleep(3)
    print(f"Finishing square with argument {x}!")
    print("result:", x * x)
    return x * x
