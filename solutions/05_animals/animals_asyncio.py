"""Animals and aiohttp: ask the slow web service for every animal at once.

Start the farm in another terminal with `make farm`, then run
`python exercises/05_animals/animals_asyncio.py`.
Fill in each TODO. Check your work with `make check EXERCISE=05`.
"""

import asyncio

import aiohttp

BASE_URL = "http://127.0.0.1:8080/animals"


async def speak(animal, session: aiohttp.ClientSession) -> str:
    """Ask the farm for `animal`'s sound with `session`; return 'The cow says "Moo!".'

    An answer with an HTTP error status (404 for an animal the farm does not know) raises
    aiohttp.ClientResponseError.
    """
    ### BEGIN SOLUTION
    async with session.get(f"{BASE_URL}/{animal}") as response:
        response.raise_for_status()
        sound = await response.text()
    return f'The {animal} says "{sound}".'
    ### END SOLUTION


async def main(animals=("cow", "pig", "chicken")) -> list[str]:
    """Ask for every animal at once with one session; print each line and return them all, in
    the order the animals were given."""
    ### BEGIN SOLUTION
    async with aiohttp.ClientSession() as session:
        lines = await asyncio.gather(*(speak(animal, session) for animal in animals))
    for line in lines:
        print(line)
    return lines
    ### END SOLUTION


if __name__ == "__main__":
    asyncio.run(main())
