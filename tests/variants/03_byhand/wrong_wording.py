async def square(x):
    print(f"Starting square({x})")
    await manual_sleep(3)
    print(f"Finishing square({x})")
    return x * x
