async def square(x):
    # A coroutine that never gives control back to its driver (for square(4), what the check uses).
    print(f"Starting square with argument {x}!")
    while x == 4:
        pass
    await manual_sleep(3)
    print(f"Finishing square with argument {x}!")
    return x * x
