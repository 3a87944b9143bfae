async def speak(animal, session):
    resp = await session.get(f"{BASE_URL}/{animal}")
    try:
        resp.raise_for_status()
        sound = await resp.text()
    finally:
        resp.release()
    return f'The {animal} says "{sound}".'
