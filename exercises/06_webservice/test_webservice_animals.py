"""Tests you can run yourself: `pytest exercises/06_webservice` (or `make check EXERCISE=06`).

Each test serves your app on 127.0.0.1, on a free port, and sends it real requests with an aiohttp
client. Time is virtual (the looptime plugin): the 5 s DELAY passes at once, and every duration
below is exact.
"""

import asyncio
import contextlib

import aiohttp
import pytest
import webservice_animals as farm
from aiohttp import web

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]


@contextlib.asynccontextmanager
async def farm_client():
    """An aiohttp client session talking to your app, served for the length of the block."""
    runner = web.AppRunner(farm.make_app())
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        async with aiohttp.ClientSession(f"http://{host}:{port}") as session:
            yield session
    finally:
        await runner.cleanup()


async def get(session, path):
    async with session.get(path) as response:
        return response.status, await response.text()


async def test_the_farm_greets_its_visitors():
    async with farm_client() as session:
        assert await get(session, "/animals") == (200, "Welcome to the farm!")


async def test_a_cow_says_moo_after_the_delay():
    loop = asyncio.get_running_loop()
    async with farm_client() as session:
        start = loop.time()
        assert await get(session, "/animals/cow") == (200, "Moo!")
        assert loop.time() - start == pytest.approx(farm.DELAY, abs=0.01)


async def test_an_unknown_animal_gets_a_404_at_once():
    loop = asyncio.get_running_loop()
    async with farm_client() as session:
        start = loop.time()
        assert await get(session, "/animals/unicorn") == (
            404, "The animal unicorn was not found.")
        assert loop.time() - start < 0.1


async def test_three_animals_at_once_take_one_delay_not_three():
    loop = asyncio.get_running_loop()
    async with farm_client() as session:
        start = loop.time()
        answers = await asyncio.gather(*(get(session, f"/animals/{name}")
                                         for name in ("cow", "pig", "chicken")))
        assert answers == [(200, "Moo!"), (200, "Oink!"), (200, "Cluck!")]
        assert loop.time() - start == pytest.approx(farm.DELAY, abs=0.01)
