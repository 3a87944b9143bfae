async def main(animals=("cow", "pig", "chicken")):
    lines = []
    async with aiohttp.ClientSession() as session:
        for animal in animals:
            line = await speak(animal, session)  # Wrong: waits for each answer before the next
            print(line)
            lines.append(line)
    return lines
