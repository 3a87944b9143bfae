"""Serving students' aiohttp apps: on loopback, in virtual time, as `web.run_app` serves them; and a
module that starts its server at import fails at once with a message that says how to fix it."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from conftest import VARIANTS_DIR, grade_folder, make_submission, solution_files

from graders.engine.parent import ChildLimits
from graders.kit import scenarios
from graders.kit.scenarios import KEY_VARIABLE
from graders.kit.vtime import run_virtual
from graders.kit.webserve import ServerStartedOnImport, no_server_on_import, serving
from graders.manifest import Exercise, find_exercise

QUICK = ChildLimits(import_seconds=2, check_seconds=2, exercise_seconds=20)
REFUSED_AT_IMPORT = ChildLimits(import_seconds=15, check_seconds=2, exercise_seconds=20)
"""For an import that is refused at once: room for a slow start on a loaded machine (a child
that took over 2 s to start would fail the import for another reason), and a hang would still be
told by the time it takes."""
SERVER_EXERCISES = ["06", "07"]


def exercise(number: str) -> Exercise:
    found = find_exercise(number)
    assert found is not None
    return found


def test_an_app_is_served_on_loopback_in_virtual_time():
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text="done")

    app = web.Application()
    app.router.add_get("/", slow)

    async def scenario() -> tuple[str, str]:
        async with serving(app) as served, aiohttp.ClientSession() as session, \
                session.get(served.at("/")) as response:
            return served.url.host, await response.text()

    started = time.monotonic()
    timed = run_virtual(scenario, call="GET /")
    assert timed.value == ("127.0.0.1", "done")
    assert timed.seconds == pytest.approx(5, abs=0.01)
    assert time.monotonic() - started < 2


def test_handlers_are_not_cancelled_when_their_client_leaves_as_with_run_app():
    # The default of web.run_app: a handler learns of a departed client only when it writes.
    # TestServer would cancel it, and hide a pub/sub handler that leaks its queue.
    finished: list[str] = []

    async def waits(request: web.Request) -> web.Response:
        await asyncio.sleep(3)
        finished.append("after the client left")
        return web.Response(text="late")

    app = web.Application()
    app.router.add_get("/", waits)

    async def scenario() -> None:
        async with serving(app) as served:
            session = aiohttp.ClientSession()
            request = asyncio.create_task(session.get(served.at("/")))
            await asyncio.sleep(1)
            await session.close()
            request.cancel()
            await asyncio.sleep(5)

    run_virtual(scenario, call="a client that leaves")
    assert finished == ["after the client left"]


def test_an_exception_in_a_handler_is_kept_for_the_message():
    async def broken(request: web.Request) -> web.Response:
        raise KeyError("unicorn")

    app = web.Application()
    app.router.add_get("/", broken)

    async def scenario() -> tuple[int, list[BaseException]]:
        async with serving(app) as served, aiohttp.ClientSession() as session, \
                session.get(served.at("/")) as response:
            return response.status, served.errors

    status, errors = run_virtual(scenario, call="GET /").value
    assert status == 500
    assert [type(error) for error in errors] == [KeyError]


def test_run_app_refuses_to_start_while_the_guard_lasts_and_works_again_after():
    original = web.run_app
    with no_server_on_import(), pytest.raises(ServerStartedOnImport, match="__main__"):
        web.run_app(web.Application())
    assert web.run_app is original


@pytest.mark.parametrize("number", SERVER_EXERCISES)
def test_a_module_that_calls_run_app_at_import_fails_at_once_saying_how_to_guard_it(
        tmp_path: Path, number: str):
    ex = exercise(number)
    files = solution_files(ex)
    files[ex.main_module] += "\n\nweb.run_app(make_app())\n"
    started = time.monotonic()
    results = grade_folder(ex, make_submission(tmp_path, ex, files), REFUSED_AT_IMPORT)
    assert time.monotonic() - started < REFUSED_AT_IMPORT.import_seconds
    assert not any(result.passed for result in results)
    for result in results:
        assert "web.run_app" in result.message
        assert 'if __name__ == "__main__":' in result.message
        assert f"at {ex.main_module}:" in result.message


def test_a_module_that_serves_forever_at_import_is_stopped_with_the_same_advice(tmp_path: Path):
    ex = exercise("06")
    files = solution_files(ex)
    files[ex.main_module] += (
        "\n\nasync def serve_forever():\n"
        "    runner = web.AppRunner(make_app())\n"
        "    await runner.setup()\n"
        "    await web.TCPSite(runner, '127.0.0.1', 0).start()\n"
        "    await asyncio.Event().wait()\n\n"
        "asyncio.run(serve_forever())\n"
    )
    started = time.monotonic()
    results = grade_folder(ex, make_submission(tmp_path, ex, files), QUICK)
    assert time.monotonic() - started < 10
    assert not any(result.passed for result in results)
    assert "did not finish within 2 s" in results[0].message
    assert 'if __name__ == "__main__":' in results[0].message


SEEDS = (2017, 1, 99)
"""Seeds of scenarios: the default one and two others."""


@pytest.mark.parametrize(("folder", "stem"), [
    ("06_webservice", "twenty_at_a_time"), ("06_webservice", "shared_ticker"),
    ("07_pubsub", "publish_to_first_ten"), ("07_pubsub", "polls_every_quarter_second"),
])
def test_a_wrong_server_gets_the_same_verdict_whatever_the_seed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str, stem: str):
    # Every sample holds each stratum that matters (a crowd past twenty, a request sent between
    # two ticks, more than ten subscribers, a message published just after a look at the queue),
    # so the checks that fail do so under every seed of scenarios.
    ex = exercise(folder[:2])
    files = solution_files(ex)
    files[ex.main_module] += "\n\n" + (VARIANTS_DIR / folder / f"{stem}.py").read_text()
    submission = make_submission(tmp_path, ex, files)
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    verdicts = set()
    for seed in SEEDS:
        monkeypatch.setattr(scenarios, "DEFAULT_SEED", seed)
        results = grade_folder(ex, submission)
        verdicts.add(tuple(result.id for result in results if not result.passed))
    assert len(verdicts) == 1 and next(iter(verdicts)), verdicts
