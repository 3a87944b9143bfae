import yarl


async def speak(animal, session):
    async with session.request("GET", yarl.URL(BASE_URL) / animal,
                               timeout=aiohttp.ClientTimeout(total=30)) as response:
        if not response.ok:
            response.raise_for_status()
        sound = (await response.read()).decode()
    return "The {} says \"{}\".".format(animal, sound)


async def main(animals=("cow", "pig", "chicken")):
    async with aiohttp.ClientSession(raise_for_status=True) as session:
        tasks = [asyncio.create_task(speak(animal, session)) for animal in animals]
        if tasks:  # asyncio.wait refuses an empty set
            done, pending = await asyncio.wait(tasks)
            assert not pending
    lines = [task.result() for task in tasks]
    print("\n".join(lines))
    return lines
