# Wrong: counts up from 1.
async def stop_in(n):
    loop = asyncio.get_running_loop()
    for left in range(1, n + 1):
        print(f"Shutdown in {left}...")
        await asyncio.sleep(1)
    loop.stop()
