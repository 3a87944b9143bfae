async def main(animals=("cow", "pig", "chicken")):
    session = aiohttp.ClientSession()
    try:
        tasks = [asyncio.create_task(speak(animal, session)) for animal in animals]
        lines = []
        for task in tasks:
            line = await task
            print(line)
            lines.append(line)
    finally:
        await session.close()
    return lines
