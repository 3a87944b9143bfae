async def _no_wait(delay, result=None):
    return result


asyncio.sleep = _no_wait  # Wrong: every "3 s" square now takes no time at all.
