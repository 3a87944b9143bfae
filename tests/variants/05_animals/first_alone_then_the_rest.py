async def main(animals=("cow", "pig", "chicken")):
    if not animals:
        return []
    async with aiohttp.ClientSession() as session:
        # Wrong: the first animal alone, then the rest together (two delays).
        first = await speak(animals[0], session)
        rest = await asyncio.gather(*(speak(a, session) for a in animals[1:]))
    lines = [first, *rest]
    for line in lines:
        print(line)
    return lines
