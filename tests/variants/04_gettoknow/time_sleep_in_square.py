async def square(x):
    # Wrong: time.sleep holds the event loop for 3 s; nothing else runs meanwhile.
    print(f"Starting square with argument {x}!")
    if x == 7:
        raise ValueError("7")
    time.sleep(3)
    print(f"Finishing square with argument {x}!")
    return x * x
