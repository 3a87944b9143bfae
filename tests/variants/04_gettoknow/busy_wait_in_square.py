async def square(x):
    print(f"Starting square with argument {x}!")
    if x == 7:
        raise ValueError("square(7) fails on purpose")
    # Wrong: waiting on the real clock in a loop holds the event loop the whole time.
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline: pass
    print(f"Finishing square with argument {x}!")
    return x * x
