async def main(animals=("cow", "pig", "chicken")):
    async def alone(animal):
        async with aiohttp.ClientSession() as session:  # Wrong: a session for every animal
            return await speak(animal, session)

    lines = await asyncio.gather(*(alone(animal) for animal in animals))
    for line in lines:
        print(line)
    return lines
