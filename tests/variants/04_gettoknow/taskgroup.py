async def _kept(coro):
    # A TaskGroup cancels every task when one fails, so each task keeps its own error.
    try:
        return await coro
    except Exception as error:
        return error


async def list_squares(n):
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(_kept(square(x))) for x in range(n)]
    return [task.result() for task in tasks]


async def list_squares_with_executor(n):
    async with asyncio.TaskGroup() as group:
        tasks = [
            group.create_task(asyncio.to_thread(blocking_square, x) if x == 7 else square(x))
            for x in range(n)
        ]
    return [task.result() for task in tasks]
