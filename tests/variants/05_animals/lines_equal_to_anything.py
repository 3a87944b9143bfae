class Lines(list):
    def __eq__(self, other):
        return True  # Wrong (hostile): equal to whatever it is compared with


async def main(animals=("cow", "pig", "chicken")):
    async with aiohttp.ClientSession() as session:
        lines = await asyncio.gather(*(speak(animal, session) for animal in animals))
    for line in lines:
        print(line)
    return Lines(reversed(lines))
