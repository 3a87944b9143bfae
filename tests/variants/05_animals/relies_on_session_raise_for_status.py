async def speak(animal, session):
    # Wrong: relies on main's session raising; with any other session, a 404 becomes a "sound"
    async with session.get(f"{BASE_URL}/{animal}") as response:
        return f'The {animal} says "{await response.text()}".'


async def main(animals=("cow", "pig", "chicken")):
    async with aiohttp.ClientSession(raise_for_status=True) as session:
        lines = await asyncio.gather(*(speak(animal, session) for animal in animals))
    for line in lines:
        print(line)
    return lines
