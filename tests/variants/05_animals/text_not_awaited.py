async def speak(animal, session):
    async with session.get(f"{BASE_URL}/{animal}") as response:
        response.raise_for_status()
        sound = response.text()  # Wrong: a coroutine, never awaited
    return f'The {animal} says "{sound}".'
