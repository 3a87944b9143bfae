"""The aioresponses shim (graders/farm/aioresponses_fix.py): needed with the pinned pair, and enough
for everything the visible tests of exercise 05 do with a mocked aiohttp session."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aioresponses import CallbackResult, aioresponses
from aioresponses.core import RequestMatch

from graders.farm.aioresponses_fix import aioresponses_fixed, aioresponses_is_broken

URL = "http://127.0.0.1:8080/animals/cow"


async def get_text(url: str = URL) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


def test_the_pinned_aioresponses_is_broken_without_the_fix():
    # When this fails, aioresponses (or aiohttp) was upgraded to a pair that works by itself:
    # the shim has become a no-op and can be deleted.
    assert aioresponses_is_broken()
    with aioresponses() as mocked:
        mocked.get(URL, body="Moo!")
        with pytest.raises(TypeError, match="stream_writer"):
            asyncio.run(get_text())


def test_with_the_fix_a_mocked_get_gives_its_status_and_text():
    with aioresponses_fixed(), aioresponses() as mocked:
        mocked.get(URL, body="Moo!", content_type="text/plain")
        assert asyncio.run(get_text()) == (200, "Moo!")


def test_with_the_fix_raise_for_status_raises_client_response_error():
    async def ask() -> None:
        async with aiohttp.ClientSession() as session, session.get(URL) as response:
            response.raise_for_status()

    with aioresponses_fixed(), aioresponses() as mocked:
        mocked.get(URL, status=404, body="The animal cow was not found.")
        with pytest.raises(aiohttp.ClientResponseError) as raised:
            asyncio.run(ask())
    assert raised.value.status == 404


def test_with_the_fix_await_session_get_works_without_async_with():
    async def ask() -> str:
        async with aiohttp.ClientSession() as session:
            response = await session.get(URL)
            try:
                return await response.text()
            finally:
                response.release()

    with aioresponses_fixed(), aioresponses() as mocked:
        mocked.get(URL, body="Moo!")
        assert asyncio.run(ask()) == "Moo!"


def test_with_the_fix_an_async_callback_can_wait_before_it_answers():
    async def slow_answer(url, **kwargs) -> CallbackResult:
        await asyncio.sleep(0.01)
        return CallbackResult(body="Oink!")

    with aioresponses_fixed(), aioresponses() as mocked:
        mocked.get(URL, callback=slow_answer)
        assert asyncio.run(get_text()) == (200, "Oink!")


def test_with_the_fix_a_response_class_of_ones_own_is_kept():
    class Marked(aiohttp.ClientResponse):
        marked = True

    async def ask() -> bool:
        async with aiohttp.ClientSession() as session, session.get(URL) as response:
            return isinstance(response, Marked) and await response.text() == "Baaa!"

    with aioresponses_fixed(), aioresponses() as mocked:
        mocked.get(URL, body="Baaa!", response_class=Marked)
        assert asyncio.run(ask())


def test_the_fix_is_undone_when_it_ends():
    original = RequestMatch._build_response
    with aioresponses_fixed():
        assert RequestMatch._build_response is not original
    assert RequestMatch._build_response is original
    assert aioresponses_is_broken()
