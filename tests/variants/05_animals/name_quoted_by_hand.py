from urllib.parse import quote


async def speak(animal, session):
    # Percent-encoding the name by hand: what the client would do by itself, done once.
    async with session.get(f"{BASE_URL}/{quote(animal)}") as response:
        response.raise_for_status()
        text = await response.text(encoding="utf-8")
    return f'The {animal} says "{text}".'
