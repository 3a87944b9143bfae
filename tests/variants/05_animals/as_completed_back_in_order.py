async def main(animals=("cow", "pig", "chicken")):
    async def numbered(index, animal, session):
        return index, await speak(animal, session)

    lines = [None] * len(animals)
    async with aiohttp.ClientSession() as session:
        jobs = [numbered(i, animal, session) for i, animal in enumerate(animals)]
        for finished in asyncio.as_completed(jobs):
            index, line = await finished
            lines[index] = line
    for line in lines:
        print(line)
    return lines
