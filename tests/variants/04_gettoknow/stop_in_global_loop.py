_loop = asyncio.new_event_loop()  # Wrong: a loop made at import, not the one that runs stop_in


async def stop_in(n):
    for left in range(n, 0, -1):
        print(f"Shutdown in {left}...")
        await asyncio.sleep(1)
    _loop.stop()
