async def speak(animal, session):
    async with session.get(BASE_URL + "/" + animal) as response:
        body = await response.content.read()
        if response.status != 200:
            raise aiohttp.ClientResponseError(response.request_info, (), status=response.status)
    return 'The ' + animal + ' says "' + body.decode() + '".'


async def main(animals=("cow", "pig", "chicken")):
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession() as session:
        futures = [loop.create_task(speak(animal, session)) for animal in animals]
        for future in asyncio.as_completed(futures):
            await future
    lines = [future.result() for future in futures]
    for line in lines:
        print(line, flush=True)
    return lines
