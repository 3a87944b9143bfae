import requests


async def speak(animal, session):
    response = requests.get(f"{BASE_URL}/{animal}")  # Wrong: blocks the event loop
    response.raise_for_status()
    return f'The {animal} says "{response.text}".'
