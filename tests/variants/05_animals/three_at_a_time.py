import asyncio

import aiohttp

BASE_URL = "http://127.0.0.1:8080/animals"


async def speak(animal, session):
    async with session.get(f"{BASE_URL}/{animal}") as response:
        response.raise_for_status()
        return f'The {animal} says "{await response.text()}".'


async def main(animals=("cow", "pig", "chicken")):
    lines = []
    async with aiohttp.ClientSession() as session:
        # Wrong: three animals at a time, the next three only once these are answered.
        for start in range(0, len(animals), 3):
            batch = animals[start:start + 3]
            lines += await asyncio.gather(*(speak(animal, session) for animal in batch))
    for line in lines:
        print(line)
    return lines


if __name__ == "__main__":
    asyncio.run(main())
