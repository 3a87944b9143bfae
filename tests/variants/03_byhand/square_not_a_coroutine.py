def square(x):
    # Wrong: a plain function runs at once; there is nothing to drive.
    print(f"Starting square with argument {x}!")
    print(f"Finishing square with argument {x}!")
    return x * x
