# Wrong: a plain with around session.get.
async def speak(animal, session):
    with session.get(f"{BASE_URL}/{animal}") as response:
        response.raise_for_status()
        sound = await response.text()
    return f'The {animal} says "{sound}".'
