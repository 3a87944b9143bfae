# Right: 7 goes to asyncio.to_thread inside a small coroutine; gather's list copied.
async def list_squares_with_executor(n):
    async def one(x):
        if x == 7:
            return await asyncio.to_thread(blocking_square, x)
        return await square(x)
    return list(await asyncio.gather(*map(one, range(n))))
