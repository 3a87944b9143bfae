async def main(animals=("cow", "pig", "chicken")):
    async def say(animal, session):
        line = await speak(animal, session)
        print(line)  # Wrong: printed in the order the answers came back
        return line

    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*(say(animal, session) for animal in animals))
