async def main(animals=("cow", "pig", "chicken")):
    async with aiohttp.ClientSession() as session:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(speak(animal, session)) for animal in animals]
    lines = [task.result() for task in tasks]
    for line in lines:
        print(line)
    return lines
