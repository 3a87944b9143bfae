def client_timeout(seconds=30):
    return aiohttp.ClientTimeout(total=seconds)


TIMEOUT = client_timeout()


async def speak(animal, session):
    async with session.get(f"{BASE_URL}/{animal}", timeout=TIMEOUT) as response:
        response.raise_for_status()
        return f'The {animal} says "{await response.text()}".'
