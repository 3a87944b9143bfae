async def cube(x):
    print(f"Starting cube with argument {x}!")
    await manual_sleep(3)
    y = square(x)  # Wrong: a coroutine object, not square's result
    print(f"Finishing cube with argument {x}!")
    return x * y
