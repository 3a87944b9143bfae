async def main(animals=("cow", "pig", "chicken")):
    lines = [""] * len(animals)

    async def fill(index, animal, session):
        lines[index] = await speak(animal, session)

    async with aiohttp.ClientSession() as session, asyncio.TaskGroup() as group:
        for index, animal in enumerate(animals):
            group.create_task(fill(index, animal, session))
    for line in lines:
        print(line)
    return lines
