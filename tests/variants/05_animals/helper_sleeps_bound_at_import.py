from time import sleep


def pause_politely():
    # Wrong: a blocking pause, in a helper, under a name bound at import
    sleep(1)


async def speak(animal, session):
    pause_politely()
    async with session.get(f"{BASE_URL}/{animal}") as response:
        response.raise_for_status()
        return f'The {animal} says "{await response.text()}".'
