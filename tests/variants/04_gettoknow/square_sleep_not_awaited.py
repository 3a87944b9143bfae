async def square(x):
    # Wrong: asyncio.sleep(3) without await makes a coroutine and drops it: square does not wait.
    print(f"Starting square with argument {x}!")
    if x == 7:
        raise ValueError("7")
    asyncio.sleep(3)
    print(f"Finishing square with argument {x}!")
    return x * x
