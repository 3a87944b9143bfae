LIMIT = 10


async def main(animals=("cow", "pig", "chicken")):
    limit = asyncio.Semaphore(LIMIT)

    async def limited(animal, session):
        async with limit:
            return await speak(animal, session)

    async with asyncio.timeout(60):
        async with aiohttp.ClientSession() as session:
            lines = list(await asyncio.gather(*map(limited, animals, [session] * len(animals))))
    for line in lines:
        print(line)
    return lines
