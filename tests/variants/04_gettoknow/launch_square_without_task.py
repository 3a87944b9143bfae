async def launch_square(x):
    # Wrong: awaiting square directly leaves nothing to poll.
    print(f"waiting for square({x})...")
    return await square(x)
