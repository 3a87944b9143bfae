# Wrong: returns the task itself instead of its result.
async def launch_square(x):
    task = asyncio.create_task(square(x))
    while not task.done():
        print(f"waiting for square({x})...")
        await asyncio.sleep(1)
    return task
