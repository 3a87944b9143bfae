# Wrong: counts down to 0, one line and one second too many.
async def stop_in(n):
    loop = asyncio.get_running_loop()
    for left in range(n, -1, -1):
        print(f"Shutdown in {left}...")
        await asyncio.sleep(1)
    loop.stop()
