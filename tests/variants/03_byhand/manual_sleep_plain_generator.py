def manual_sleep(n):
    # Wrong: a generator without @types.coroutine cannot be awaited from async def code.
    yield n
