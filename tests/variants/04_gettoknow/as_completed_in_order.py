async def _numbered(x):
    try:
        return x, await square(x)
    except ValueError as error:
        return x, error


async def list_squares(n):
    results = [None] * n
    for next_done in asyncio.as_completed([_numbered(x) for x in range(n)]):
        x, result = await next_done
        results[x] = result
    return results
