async def main(animals=("cow", "pig", "chicken")):
    async with aiohttp.ClientSession() as session:
        # Wrong: a generator makes each task only when the previous one was awaited.
        tasks = (asyncio.create_task(speak(animal, session)) for animal in animals)
        lines = [await task for task in tasks]
    for line in lines:
        print(line)
    return lines
