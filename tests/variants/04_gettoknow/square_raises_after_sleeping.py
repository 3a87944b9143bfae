# Wrong: square(7) sleeps its 3 s before it raises.
async def square(x):
    print(f"Starting square with argument {x}!")
    await asyncio.sleep(3)
    if x == 7:
        raise ValueError("unlucky")
    print(f"Finishing square with argument {x}!")
    return x * x
