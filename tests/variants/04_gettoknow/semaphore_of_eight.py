async def list_squares(n):
    # Wrong: at most eight squares run at a time, so past eight it takes 6 s, 9 s, ...
    limit = asyncio.Semaphore(8)

    async def held(x):
        async with limit:
            return await square(x)

    return await asyncio.gather(*(held(x) for x in range(n)), return_exceptions=True)
