async def manual_sleep(n):
    # Wrong: `yield` inside `async def` makes an asynchronous generator, which cannot be awaited.
    yield n
