async def stop_in(n):
    # Wrong: stop() first; run_forever returns before the countdown is over.
    asyncio.get_running_loop().stop()
    for left in range(n, 0, -1):
        print(f"Shutdown in {left}...")
        await asyncio.sleep(1)
