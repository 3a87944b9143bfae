# Wrong: sleeps before printing, so the first line comes at 1 s and one comes after the end.
async def launch_square(x):
    task = asyncio.create_task(square(x))
    while not task.done():
        await asyncio.sleep(1)
        print(f"waiting for square({x})...")
    return task.result()
