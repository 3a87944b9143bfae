async def square(x):
    # Wrong: time.sleep cannot hand control back to whoever drives the coroutine.
    print(f"Starting square with argument {x}!")
    time.sleep(3)
    print(f"Finishing square with argument {x}!")
    return x * x
