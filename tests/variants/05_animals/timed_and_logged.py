import logging
import time

log = logging.getLogger("animals")


async def main(animals=("cow", "pig", "chicken")):
    start = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        lines = await asyncio.gather(*(speak(animal, session) for animal in animals))
    for line in lines:
        print(line)
    log.info("took %.1f s", time.perf_counter() - start)
    return lines
