async def main(animals=("cow", "pig", "chicken")):
    connector = aiohttp.TCPConnector(limit=10)
    async with aiohttp.ClientSession(connector=connector) as session:
        lines = await asyncio.gather(*(speak(animal, session) for animal in animals))
    for line in lines:
        print(line)
    return lines
