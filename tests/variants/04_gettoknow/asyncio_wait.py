async def list_squares(n):
    tasks = [asyncio.create_task(square(x)) for x in range(n)]
    if tasks:
        await asyncio.wait(tasks)
    return [task.exception() or task.result() for task in tasks]


async def list_squares_with_executor(n):
    tasks = [
        asyncio.ensure_future(asyncio.to_thread(blocking_square, x) if x == 7 else square(x))
        for x in range(n)
    ]
    if tasks:
        await asyncio.wait(tasks, return_when=asyncio.ALL_COMPLETED)
    return [task.result() for task in tasks]
