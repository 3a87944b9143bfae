async def _kept(coro):
    try:
        return await coro
    except ValueError as error:
        return error


async def list_squares(n):
    # Wrong: results in the order they finish; square(7) fails first of all.
    return [await done for done in asyncio.as_completed([_kept(square(x)) for x in range(n)])]
