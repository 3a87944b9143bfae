async def main(animals=("cow", "pig", "chicken")):
    async with aiohttp.ClientSession() as session:
        # Wrong: each speak is awaited (one after another) before gather sees it
        lines = await asyncio.gather(*[await speak(animal, session) for animal in animals])
    for line in lines:
        print(line)
    return lines
