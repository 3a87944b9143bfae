async def cube(x):
    # Wrong: cube computes the square itself instead of awaiting square(x).
    print(f"Starting cube with argument {x}!")
    await manual_sleep(3)
    print(f"Finishing cube with argument {x}!")
    return x * x * x
