async def stop_in(n):
    # Wrong: right for the tutorial's stop_in(3) only; it stops after three lines whatever n is.
    loop = asyncio.get_running_loop()
    for left in (3, 2, 1)[-n:] if n <= 3 else (3, 2, 1):
        print(f"Shutdown in {left}...")
        await asyncio.sleep(1)
    loop.stop()
