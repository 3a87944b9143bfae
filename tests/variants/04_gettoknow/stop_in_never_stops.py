async def stop_in(n):
    # Wrong: counts down but never stops the loop.
    for left in range(n, 0, -1):
        print(f"Shutdown in {left}...")
        await asyncio.sleep(1)
