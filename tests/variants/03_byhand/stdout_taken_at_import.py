from sys import stdout


async def square(x):
    # Right: print to a handle on standard output taken at import.
    print(f"Starting square with argument {x}!", file=stdout)
    await manual_sleep(3)
    stdout.write(f"Finishing square with argument {x}!\n")
    return x * x
