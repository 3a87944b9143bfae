import time


async def speak(animal, session):
    time.sleep(0.01)  # Wrong: a blocking pause, even a short one
    async with session.get(f"{BASE_URL}/{animal}") as response:
        response.raise_for_status()
        return f'The {animal} says "{await response.text()}".'
