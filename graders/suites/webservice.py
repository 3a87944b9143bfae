"""Exercise 06: the farm's web service, an aiohttp server whose animals answer slowly.

Every check serves the student's make_app() on loopback in a looptime loop (graders.kit.webserve)
and sends it real HTTP requests with an aiohttp client in that same loop, so the tutorial's 5 s
DELAY costs nothing and durations are exact. Outside the blocking check, time.sleep returns at once
and notes its argument: a handler that blocks must not make the grader wait, and its results are
still graded on their own.

aiohttp and the kit's server are imported where the checks use them (`SUITE.child_imports`):
the parent imports this module only to read the checks, and judges with the model alone.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graders.kit import (
    CheckContext,
    CheckFailed,
    Ran,
    Scenario,
    Suite,
    blocking_judge,
    observed,
    observed_blocking,
    run_student,
)
from graders.suites.models.webservice import (
    BLOCKING_LESSON,
    TIMING_PATIENCE,
    TUTORIAL_DELAY,
    judge_at_once,
    judge_crowd,
    judge_greeting,
    judge_not_found,
    judge_sounds,
    path_of,
    sample_at_once,
    sample_blocking,
    sample_crowds,
    sample_greeting,
    sample_not_found,
    sample_sounds,
)

if TYPE_CHECKING:
    import aiohttp
    from aiohttp import web

    from graders.kit import Served


def no_server_on_import() -> AbstractContextManager[object]:
    """graders.kit.webserve's guard of the student's import, taken from there when it is used."""
    from graders.kit.webserve import no_server_on_import

    return no_server_on_import()


SUITE = Suite(import_guard=no_server_on_import, child_imports=("aiohttp", "graders.kit.webserve"))


@dataclass(frozen=True)
class Answer:
    """What the server answered to one GET, and when (virtual seconds since the check began)."""

    path: str
    status: int
    text: str
    sent: float
    answered: float

    @property
    def seconds(self) -> float:
        return self.answered - self.sent


async def fetch(session: aiohttp.ClientSession, served: Served, path: str) -> Answer:
    loop = asyncio.get_running_loop()
    sent = loop.time()
    async with session.get(served.at(path)) as response:
        text = await response.text()
        return Answer(path, response.status, text, sent, loop.time())


async def fetch_all(session: aiohttp.ClientSession, served: Served, paths: list[str]
                    ) -> list[Answer]:
    return list(await asyncio.gather(*(fetch(session, served, path) for path in paths)))


def student_app(ctx: CheckContext) -> web.Application:
    from aiohttp import web

    make_app = ctx.function("make_app")
    app = ctx.call("make_app()", make_app)
    if not isinstance(app, web.Application):
        kind = "a coroutine" if asyncio.iscoroutine(app) else type(app).__name__
        if asyncio.iscoroutine(app):
            app.close()
        raise CheckFailed(
            "make_app() did not return an aiohttp web.Application.",
            expected="make_app() returns web.Application() with the farm's routes added",
            actual=f"it returned {kind}",
            advice="make_app is a plain `def` (not async def) that builds the application and "
            "returns it; it must not start a server.",
        )
    return app


def on_farm(ctx: CheckContext, call: str,
            scenario: Callable[[aiohttp.ClientSession, Served], Awaitable[Any]],
            judge_handlers: bool = True, **options: Any) -> Ran:
    """Serve the student's app and run `scenario` against it in virtual time, time.sleep
    disarmed unless `options` say otherwise (they go to run_student); a handler's error fails
    the run, unless `judge_handlers` is false."""
    import aiohttp

    from graders.kit.webserve import fail_on_handler_errors, serving

    app = student_app(ctx)

    async def run() -> Any:
        async with serving(app) as served, aiohttp.ClientSession() as session:
            result = await scenario(session, served)
            if judge_handlers:
                fail_on_handler_errors(ctx, served)
            return result

    return run_student(ctx, call, run, **{"disarm_sleep": True, **options})


@SUITE.judged("GET /animals answers with the farm's greeting", points=1, tags=("results",),
              sample=sample_greeting, judge=judge_greeting)
def greeting(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    async def asked(session: aiohttp.ClientSession, served: Served) -> list[Answer]:
        return await fetch_all(session, served, ["/animals"] * scenario["times"])

    answers = on_farm(ctx, scenario["call"], asked).value
    return {"answers": [[answer.status, answer.text[:2000]] for answer in answers]}


# --- Judged checks: the requests are drawn in the parent (graders/suites/models/webservice.py),
# their answers observed here, and judged there.


async def send_waves(served: Served, waves: list[list[Any]], patience: float) -> list[list[Any]]:
    """Each wave's requests at once, at its offset; each answer as [status, text, sent,
    answered], with None where no answer came within `patience` of the last wave."""
    import aiohttp

    loop = asyncio.get_running_loop()
    start = loop.time()
    # No limit on connections: a crowd must reach the server all at once.
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        tasks = []
        for offset, names in waves:
            await asyncio.sleep(max(0.0, start + offset - loop.time()))
            tasks += [asyncio.create_task(ask(session, served, name, start)) for name in names]
        await asyncio.wait(tasks, timeout=patience)
        answers = []
        for task, sent in zip(tasks, sent_times(waves), strict=True):
            answers.append(task.result() if task.done() else [None, None, sent, None])
            task.cancel()
        return answers


def sent_times(waves: list[list[Any]]) -> list[float]:
    return [offset for offset, names in waves for _ in names]


async def ask(session: aiohttp.ClientSession, served: Served, name: str, start: float
              ) -> list[Any]:
    import aiohttp

    loop = asyncio.get_running_loop()
    sent = loop.time() - start
    url = served.url.with_path(path_of(name), encoded=True)
    try:
        async with session.get(url) as response:
            body = await response.read()
            return [response.status, body.decode("utf-8", "replace")[:500], sent,
                    loop.time() - start]
    except aiohttp.ClientError as error:
        return [0, type(error).__name__, sent, loop.time() - start]


def observe_requests(ctx: CheckContext, scenario: Scenario, patience: float) -> dict[str, Any]:
    """What the student's farm answered to the scenario's requests, what time.sleep calls and
    unawaited coroutines it made meanwhile, and its FARM and DELAY."""
    async def requests(session: aiohttp.ClientSession, served: Served) -> list[list[Any]]:
        return await send_waves(served, scenario["waves"], patience)

    # FARM and DELAY as they were before the requests: what the handlers were given.
    seen = {"farm": observed(getattr(ctx.module, "FARM", None)),
            "delay": observed(getattr(ctx.module, "DELAY", None))}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ran = on_farm(ctx, scenario["call"], requests)
    return {
        **seen,
        "answers": ran.value,
        "slept": [[call.where, repr(call.seconds)[:40]] for call in ran.slept],
        "warned": sorted({str(w.message) for w in caught if "never awaited" in str(w.message)}),
    }


def results_patience(scenario: Scenario) -> float:
    """Long enough for a farm that answers one animal after another: results are judged apart
    from timing."""
    return TUTORIAL_DELAY * (scenario["size"] + 2)


@SUITE.judged("every known animal answers with its sound, however many ask", points=2,
              tags=("results",), sample=sample_sounds, judge=judge_sounds)
def every_sound(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_requests(ctx, scenario, results_patience(scenario))


@SUITE.judged("an unknown animal gets a 404 that names it", points=1, tags=("results",),
              sample=sample_not_found, judge=judge_not_found)
def unknown_is_404(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_requests(ctx, scenario, results_patience(scenario))


@SUITE.judged("an unknown animal is answered at once, even while others wait", points=1,
              tags=("timing",), sample=sample_at_once, judge=judge_at_once)
def unknown_at_once(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_requests(ctx, scenario, TIMING_PATIENCE)


@SUITE.judged("crowds of requests, up to ninety at once, are each answered within one DELAY",
              points=3, tags=("timing",), sample=sample_crowds, judge=judge_crowd)
def crowd_within_one_delay(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_requests(ctx, scenario, TIMING_PATIENCE)


@SUITE.judged("handlers never block the event loop", points=2, tags=("blocking",),
              sample=sample_blocking, judge=blocking_judge(step_lesson=BLOCKING_LESSON))
def never_blocks(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    found = ctx.static_blocking_calls()
    paths = [path_of(name) if name else "/animals" for name in scenario["names"]]

    async def asked(session: aiohttp.ClientSession, served: Served) -> list[Answer]:
        return await fetch_all(session, served, paths)

    ran = on_farm(ctx, scenario["call"], asked, judge_handlers=False, disarm_sleep=False,
                  watch_blocking=True)
    return {"blocking": observed_blocking([*found, *ran.blocking]), "not_written": []}
