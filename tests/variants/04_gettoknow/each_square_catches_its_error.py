# Right: each square catches its own error and gives the exception object as its result.
async def list_squares(n):
    async def safe(x):
        try:
            return await square(x)
        except ValueError as error:
            return error
    return await asyncio.gather(*[safe(x) for x in range(n)])
