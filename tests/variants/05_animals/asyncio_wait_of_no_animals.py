async def main(animals=("cow", "pig", "chicken")):
    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.create_task(speak(animal, session)) for animal in animals]
        await asyncio.wait(tasks)  # Wrong: asyncio.wait refuses an empty set: main(()) fails
    lines = [task.result() for task in tasks]
    for line in lines:
        print(line)
    return lines
