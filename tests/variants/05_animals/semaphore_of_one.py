async def main(animals=("cow", "pig", "chicken")):
    one_at_a_time = asyncio.Semaphore(1)  # Wrong: only one request in flight

    async def limited(animal, session):
        async with one_at_a_time:
            return await speak(animal, session)

    async with aiohttp.ClientSession() as session:
        lines = await asyncio.gather(*(limited(a, session) for a in animals))
    for line in lines:
        print(line)
    return lines
