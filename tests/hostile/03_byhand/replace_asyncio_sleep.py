import asyncio


async def _instant(delay, result=None):
    return result


asyncio.sleep = _instant
