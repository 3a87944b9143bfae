async def speak(animal, session):
    response = await session.get(f"{BASE_URL}/{animal}")
    try:
        text = await response.text()
        if response.status >= 400:
            raise aiohttp.ClientResponseError(
                response.request_info, response.history, status=response.status, message=text
            )
    finally:
        response.release()
    return f'The {animal} says "{text}".'
