async def speak(animal, session):
    # Wrong: the farm's names are asked for as they are given, capitals too.
    async with session.get(f"{BASE_URL}/{animal.lower()}") as response:
        response.raise_for_status()
        return f'The {animal} says "{await response.text()}".'
