"""The pack's farm (graders/farm/service.py): what it answers, when, and what it writes down."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading

import aiohttp
import requests
from conftest import posix_only

from graders.farm.service import FARM, Reply, farm_in_thread, farm_on_loop, make_farm_app
from graders.kit.vtime import run_virtual
from graders.manifest import PACK_ROOT


async def fetch(session: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with session.get(url) as response:
        return response.status, await response.text()


def on_farm(scenario, **farm_options):
    async def run():
        async with farm_on_loop(**farm_options) as farm, aiohttp.ClientSession() as session:
            return await scenario(farm, session)

    return run_virtual(run, call="test")


def test_the_farm_knows_the_tutorials_twelve_animals():
    assert len(FARM) == 12
    assert FARM["cow"] == "Moo!" and FARM["rooster"] == "Cock-a-Doodle-Doo!"


def test_the_farm_says_welcome_at_once():
    async def scenario(farm, session):
        return await fetch(session, farm.base_url)

    timed = on_farm(scenario)
    assert timed.value == (200, "Welcome to the farm!")
    assert timed.seconds == 0


def test_a_known_animal_answers_its_sound_after_the_delay():
    async def scenario(farm, session):
        return await fetch(session, farm.url("cow"))

    timed = on_farm(scenario)
    assert timed.value == (200, "Moo!")
    assert timed.seconds == 5


def test_an_unknown_animal_gets_404_at_once():
    async def scenario(farm, session):
        return await fetch(session, farm.url("unicorn"))

    timed = on_farm(scenario)
    assert timed.value == (404, "The animal unicorn was not found.")
    assert timed.seconds == 0


def test_the_tutorials_double_slash_is_not_found():
    async def scenario(farm, session):
        status, _ = await fetch(session, farm.base_url + "//cow")
        return status, farm.log.paths()

    assert on_farm(scenario).value == (404, ["/animals//cow"])


def test_many_animals_at_once_take_one_delay():
    async def scenario(farm, session):
        return await asyncio.gather(*(fetch(session, farm.url(name)) for name in FARM))

    timed = on_farm(scenario)
    assert [text for _, text in timed.value] == list(FARM.values())
    assert timed.seconds == 5


def test_delays_can_differ_per_animal_so_answers_come_back_in_another_order():
    async def scenario(farm, session):
        await asyncio.gather(fetch(session, farm.url("cow")), fetch(session, farm.url("pig")))
        return sorted(farm.log.visits, key=lambda visit: visit.answered)

    timed = on_farm(scenario, delay={"cow": 3, "pig": 1})
    assert [visit.path for visit in timed.value] == ["/animals/pig", "/animals/cow"]
    assert timed.seconds == 3


def test_the_log_tells_one_connection_from_many_and_overlap_from_turns():
    with farm_in_thread(delay=0.01) as farm:
        with requests.Session() as session:
            for name in ("cow", "pig"):
                session.get(farm.url(name))
        assert farm.log.connections() == 1
        assert farm.log.overlapping() == []
        requests.get(farm.url("duck"))
        assert farm.log.connections() == 2
    assert [visit.status for visit in farm.log.visits] == [200, 200, 200]


def test_the_log_sees_requests_that_overlap():
    async def scenario(farm, session):
        await asyncio.gather(fetch(session, farm.url("cow")), fetch(session, farm.url("pig")))
        return farm.log.overlapping()

    assert len(on_farm(scenario).value) == 1


def test_a_farm_in_a_thread_serves_blocking_clients_and_closes_after():
    with farm_in_thread(delay=0.01) as farm:
        answer = requests.get(farm.url("frog"), timeout=5)
        port = int(farm.base_url.split(":")[2].split("/")[0])
    assert answer.text == "Ribbit!"
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


@posix_only  # Windows has no SIGINT to send to another process
def _ctrl_c_as_in_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_the_farm_command_serves_with_the_delay_asked_and_closes_on_ctrl_c():
    server = subprocess.Popen(
        [sys.executable, "-m", "graders.farm.service", "--port", "0", "--delay", "0.01"],
        cwd=PACK_ROOT, stdout=subprocess.PIPE, text=True,
        # A shell's background job ignores Ctrl-C, and Python would inherit that: the farm as a
        # learner starts it, with Ctrl-C doing what it does in a terminal.
        preexec_fn=_ctrl_c_as_in_a_terminal if os.name == "posix" else None,
    )
    try:
        opened = server.stdout.readline()
        assert "The farm is open on http://127.0.0.1:" in opened
        base_url = opened.split(" on ", 1)[1].split()[0]
        assert requests.get(f"{base_url}/turkey", timeout=5).text == "Gobble-Gobble!"
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=10) == 0
        assert "closed" in server.stdout.read()
    finally:
        server.kill()
        server.wait()


def test_the_farm_app_is_a_plain_aiohttp_application():
    app = make_farm_app(delay=0)
    assert {route.resource.canonical for route in app.router.routes()} >= {
        "/animals", "/animals/{name}"
    }


# What a client may send the farm, right or wrong: each server must answer it alike and write it
# down alike (graders/farm/threaded.py serves 01 without aiohttp, from the same routes).
ASKED_OF_BOTH = ["/animals", "/animals/cow", "/animals/unicorn", "/animals//cow", "/animals/",
                 "/animals/Cow", "/animals/%C3%A9meu", "/animals/lo%20mi", "/animals/cow?x=1",
                 "/animals/cow/", "/animals/ka-lo.mi_zu", "/animalscow", "/", "/other/cow",
                 "/animals/%E7%89%9B"]


def asked_of(base_url: str, method: str = "GET") -> list[tuple[int, str, str]]:
    root = base_url.removesuffix("/animals")
    with requests.Session() as session:
        answers = [session.request(method, root + path, timeout=5) for path in ASKED_OF_BOTH]
    return [(answer.status_code, answer.text, answer.headers["Content-Type"])
            for answer in answers]


def test_the_farm_in_a_thread_answers_and_writes_down_what_the_aiohttp_farm_does():
    from graders.farm.threaded import farm_in_thread as served_without_aiohttp

    replies = {"cow": Reply("Moo!", 200, 0.001), "émeu": Reply("Mèèh!", 200, 0.0),
               "lo mi": Reply("Ka ka!", 503, 0.002), "ka-lo.mi_zu": Reply("", 418, 0.0),
               "牛": Reply("咩咩", 200, 0.0)}
    seen = []
    for serving in (served_without_aiohttp, aiohttp_farm_in_thread):
        with serving(replies=replies) as farm:
            answers = asked_of(farm.base_url) + asked_of(farm.base_url, "POST")
        seen.append((answers, [(visit.path, visit.sent, visit.status, visit.connection)
                               for visit in farm.log.visits]))
    assert seen[0] == seen[1]


@contextlib.contextmanager
def aiohttp_farm_in_thread(**options):
    """The aiohttp farm, on a loop in a thread of its own: what the threaded farm must match."""
    started, box = threading.Event(), {}

    async def serve():
        box["loop"], box["stop"] = asyncio.get_running_loop(), asyncio.Event()
        async with farm_on_loop(**options) as farm:
            box["farm"] = farm
            started.set()
            await box["stop"].wait()

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    started.wait(timeout=10)
    try:
        yield box["farm"]
    finally:
        box["loop"].call_soon_threadsafe(box["stop"].set)
        thread.join(timeout=10)


def test_the_farm_in_a_thread_answers_clients_at_once_and_sees_them_overlap():
    replies = {"cow": Reply("Moo!", 200, 0.5), "pig": Reply("Oink!", 200, 0.0)}
    with farm_in_thread(replies=replies) as farm:
        slow = threading.Thread(target=requests.get, args=(farm.url("cow"),))
        slow.start()
        while not farm.log.visits:  # the cow is being answered: the pig comes meanwhile
            threading.Event().wait(0.001)
        assert requests.get(farm.url("pig"), timeout=5).text == "Oink!"
        slow.join()
    cow, pig = farm.log.visits
    assert farm.log.overlapping() == [(cow, pig)]
    assert pig.answered < cow.answered
