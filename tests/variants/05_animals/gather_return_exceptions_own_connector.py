async def speak(animal, session):
    resp = await session.get(f"{BASE_URL}/{animal}", raise_for_status=True)
    text = await resp.text(encoding="utf-8")
    return f'The {animal} says "{text}".'


async def main(animals=("cow", "pig", "chicken")):
    connector = aiohttp.TCPConnector(limit_per_host=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(60)) as session:
        lines = await asyncio.gather(*[speak(a, session) for a in animals], return_exceptions=True)
    for line in lines:
        if isinstance(line, BaseException):
            raise line
    print(*lines, sep="\n")
    return lines
