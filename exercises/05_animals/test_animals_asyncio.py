"""Tests you can run yourself: `pytest exercises/05_animals` (or `make check EXERCISE=05`).

They talk to a pretend farm (see conftest.py) on an event loop with a jumping clock: the farm's
5 s delays take no real time, but `loop.time()` still counts them.
"""

import asyncio

import aiohttp
import animals_asyncio
import pytest


def test_base_url_has_no_trailing_slash():
    assert animals_asyncio.BASE_URL.endswith("/animals")


@pytest.mark.asyncio
@pytest.mark.looptime
async def test_speak_gives_the_line_made_of_the_farms_answer(farm):
    farm.add("cow", "Moo!")
    async with aiohttp.ClientSession() as session:
        assert await animals_asyncio.speak("cow", session) == 'The cow says "Moo!".'


@pytest.mark.asyncio
@pytest.mark.looptime
async def test_speak_raises_client_response_error_for_an_unknown_animal(farm):
    farm.add_unknown("unicorn")
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientResponseError):
            await animals_asyncio.speak("unicorn", session)


@pytest.mark.asyncio
@pytest.mark.looptime
async def test_main_prints_and_returns_the_lines_in_the_order_given(farm, capsys):
    farm.add("cow", "Moo!", delay=5)  # asked first, answers last
    farm.add("pig", "Oink!", delay=1)
    lines = await animals_asyncio.main(("cow", "pig"))
    assert lines == ['The cow says "Moo!".', 'The pig says "Oink!".']
    assert capsys.readouterr().out.splitlines() == lines


@pytest.mark.asyncio
@pytest.mark.looptime
async def test_three_animals_take_one_delay_not_three(farm):
    for name, sound in [("cow", "Moo!"), ("pig", "Oink!"), ("chicken", "Cluck!")]:
        farm.add(name, sound)
    loop = asyncio.get_running_loop()
    start = loop.time()
    await animals_asyncio.main()
    assert loop.time() - start == 5
