async def list_squares(n):
    # Wrong: one failing task cancels the whole group.
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(square(x)) for x in range(n)]
    return [task.result() for task in tasks]
