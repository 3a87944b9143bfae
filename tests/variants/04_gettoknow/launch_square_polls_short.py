async def launch_square(x):
    # Wrong: polls every 0.9 s, which looks like once a second for a short square only.
    task = asyncio.create_task(square(x))
    while not task.done():
        print(f"waiting for square({x})...")
        await asyncio.sleep(0.9)
    return task.result()
