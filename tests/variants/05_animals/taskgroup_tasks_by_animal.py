async def speak(animal, session):
    url = "%s/%s" % (BASE_URL, animal)
    async with session.get(url, timeout=aiohttp.ClientTimeout(total=30)) as response:
        response.raise_for_status()
        return f'The {animal} says "{await response.text()}".'


async def main(animals=("cow", "pig", "chicken")):
    session = aiohttp.ClientSession()
    try:
        async with asyncio.TaskGroup() as group:
            tasks = {animal: group.create_task(speak(animal, session)) for animal in animals}
    finally:
        await session.close()
    lines = []
    for animal in animals:
        lines.append(tasks[animal].result())
        print(lines[-1])
    return lines
