async def launch_square(x):
    task = asyncio.ensure_future(square(x))
    while True:
        print(f"waiting for square({x})...")
        done, _ = await asyncio.wait({task}, timeout=1)
        if done:
            return task.result()
