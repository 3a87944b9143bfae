async def speak(animal, session):
    async with session.get(f"{BASE_URL}/{animal}") as response:
        if response.status == 404:  # Wrong: 404 is one error status among many
            response.raise_for_status()
        return f'The {animal} says "{await response.text()}".'
