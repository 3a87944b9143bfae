async def stop_in(n):
    # The tutorial's form: inside a coroutine, get_event_loop() gives the running loop.
    loop = asyncio.get_event_loop()
    while n > 0:
        print("Shutdown in {}...".format(n))
        await asyncio.sleep(1)
        n = n - 1
    loop.stop()
