async def main(animals=("cow", "pig", "chicken")):
    lines = []
    async with aiohttp.ClientSession() as session:
        for finished in asyncio.as_completed([speak(animal, session) for animal in animals]):
            line = await finished  # Wrong: lines in the order the answers came back
            print(line)
            lines.append(line)
    return lines
