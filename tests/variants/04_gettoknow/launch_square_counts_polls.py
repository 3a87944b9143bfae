async def launch_square(x):
    # Wrong: three polls because square takes 3 s; the task is never asked whether it is done.
    task = asyncio.create_task(square(x))
    for _ in range(3):
        print(f"waiting for square({x})...")
        await asyncio.sleep(1)
    return await task
