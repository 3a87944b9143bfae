def _pause(seconds):
    time.sleep(seconds)  # Wrong: a plain function that blocks, called from a coroutine.


async def stop_in(n):
    loop = asyncio.get_running_loop()
    for left in range(n, 0, -1):
        print(f"Shutdown in {left}...")
        _pause(1)
    loop.stop()
