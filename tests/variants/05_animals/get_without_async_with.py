# Wrong: session.get without async with: the request is never sent.
async def speak(animal, session):
    response = session.get(f"{BASE_URL}/{animal}")
    response.raise_for_status()
    return f'The {animal} says "{await response.text()}".'
