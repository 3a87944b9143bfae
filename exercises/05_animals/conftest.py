"""The pretend farm for this folder's tests: no server, no network, no waiting.

aioresponses answers the requests of every aiohttp.ClientSession as the farm would, and the tests
run on an event loop whose clock jumps ahead whenever every coroutine is waiting (looptime), so
the farm's 5 s delays take no real time while `loop.time()` still counts them.

(aioresponses 0.7.9 needs a small fix to work with aiohttp 3.14: `aioresponses_fixed`, kept with
the grader. You do not need to read it to do the exercise.)
"""

import asyncio

import animals_asyncio
import pytest
from aioresponses import CallbackResult, aioresponses

from graders.farm.aioresponses_fix import aioresponses_fixed

FARM_DELAY = 5.0


class PretendFarm:
    """Answers GET {BASE_URL}/{name} like the farm: the sound after a delay, or a 404 at once."""

    def __init__(self, mocked):
        self.mocked = mocked
        self.asked = []

    def url(self, name):
        return f"{animals_asyncio.BASE_URL}/{name}"

    def add(self, name, sound, delay=FARM_DELAY):
        async def answer(url, **kwargs):
            self.asked.append(name)
            await asyncio.sleep(delay)
            return CallbackResult(body=sound, content_type="text/plain")

        self.mocked.get(self.url(name), callback=answer, repeat=True)

    def add_unknown(self, name):
        self.mocked.get(self.url(name), status=404, repeat=True,
                        body=f"The animal {name} was not found.", content_type="text/plain")


@pytest.fixture
def farm():
    with aioresponses_fixed(), aioresponses() as mocked:
        yield PretendFarm(mocked)
