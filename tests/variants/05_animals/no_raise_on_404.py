async def speak(animal, session):
    async with session.get(f"{BASE_URL}/{animal}") as response:  # Wrong: no status check
        return f'The {animal} says "{await response.text()}".'
