async def speak(animal, session):
    # Wrong: a session of its own instead of the one it was given
    async with aiohttp.ClientSession() as own, own.get(f"{BASE_URL}/{animal}") as response:
        response.raise_for_status()
        return f'The {animal} says "{await response.text()}".'
