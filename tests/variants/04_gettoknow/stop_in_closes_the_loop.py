# Wrong: close() instead of stop() on the running loop.
async def stop_in(n):
    loop = asyncio.get_running_loop()
    for left in range(n, 0, -1):
        print(f"Shutdown in {left}...")
        await asyncio.sleep(1)
    loop.close()
