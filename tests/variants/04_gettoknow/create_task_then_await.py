async def list_squares(n):
    tasks = [asyncio.create_task(square(x)) for x in range(n)]
    results = []
    for task in tasks:
        try:
            results.append(await task)
        except ValueError as error:
            results.append(error)
    return results


async def list_squares_with_executor(n):
    loop = asyncio.get_running_loop()
    seven = loop.run_in_executor(None, blocking_square, 7) if n > 7 else None
    tasks = {x: asyncio.create_task(square(x)) for x in range(n) if x != 7}
    results = []
    for x in range(n):
        results.append(await (seven if x == 7 else tasks[x]))
    return results
