import urllib.request


async def speak(animal, session):
    with urllib.request.urlopen(f"{BASE_URL}/{animal}") as answer:  # Wrong: blocks the loop
        return f'The {animal} says "{answer.read().decode()}".'
