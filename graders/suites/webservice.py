"""Exercise 06: the farm's web service, an aiohttp server whose animals answer slowly.

Every check serves the student's make_app() on loopback in a looptime loop (graders.kit.webserve)
and sends it real HTTP requests with an aiohttp client in that same loop, so the tutorial's 5 s
DELAY costs nothing and durations are exact. Outside the blocking check, time.sleep returns at once
and notes its argument: a handler that blocks must not make the grader wait, and its results are
still graded on their own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from graders.farm.service import FARM
from graders.kit import (
    CheckContext,
    CheckFailed,
    PrintedLine,
    Ran,
    Served,
    Suite,
    TimeSleepCall,
    fail_on_blocking_calls,
    fail_on_handler_errors,
    no_server_on_import,
    render_printed,
    run_student,
    serving,
)

SUITE = Suite(import_guard=no_server_on_import)

TUTORIAL_FARM = FARM
"""The student's FARM must hold exactly the pack's farm (graders.farm.service), the tutorial's
twelve."""
TUTORIAL_DELAY = 5
GREETING = "Welcome to the farm!"
UNKNOWN = ("unicorn", "dragon")
AT_ONCE = 0.1
"""Virtual seconds within which an answer that needs no waiting must come."""
SLACK = 0.5
"""Virtual seconds allowed beyond one DELAY for a crowd of requests."""


def not_found_text(name: str) -> str:
    return f"The animal {name} was not found."


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
    app = student_app(ctx)

    async def run() -> Any:
        async with serving(app) as served, aiohttp.ClientSession() as session:
            result = await scenario(session, served)
            if judge_handlers:
                fail_on_handler_errors(ctx, served)
            return result

    return run_student(ctx, call, run, **{"disarm_sleep": True, **options})


def describe_sleeps(slept: list[TimeSleepCall]) -> str:
    places = (call.where or f"time.sleep({call.seconds!r})" for call in slept)
    shown = ", ".join(dict.fromkeys(places))
    return f"time.sleep was called {len(slept)} time{'s' if len(slept) > 1 else ''}: {shown}"


def describe(answers: list[Answer]) -> str:
    return "\n".join(f"GET {a.path} -> {a.status} {a.text!r}" for a in answers)


@SUITE.check("GET /animals answers with the farm's greeting", points=1, tags=("results",))
def greeting(ctx: CheckContext) -> None:
    async def scenario(session: aiohttp.ClientSession, served: Served) -> Answer:
        return await fetch(session, served, "/animals")

    answer = on_farm(ctx, "GET /animals", scenario).value
    if (answer.status, answer.text) != (200, GREETING):
        raise CheckFailed(
            "GET /animals did not answer with the greeting.",
            expected=f"200 {GREETING!r}",
            actual=f"{answer.status} {answer.text!r}",
            advice="add a route for GET /animals whose handler returns "
            "web.Response(text=...) with exactly that text."
            if answer.status == 404 else "check the exact wording of the greeting.",
        )


@SUITE.check("every known animal answers with its sound", points=2, tags=("results",))
def every_sound(ctx: CheckContext) -> None:
    async def scenario(session: aiohttp.ClientSession, served: Served) -> list[Answer]:
        return await fetch_all(session, served, [f"/animals/{name}" for name in TUTORIAL_FARM])

    answers = on_farm(ctx, "GET /animals/{name} for every animal", scenario).value
    wrong = [a for a, sound in zip(answers, TUTORIAL_FARM.values(), strict=True)
             if (a.status, a.text) != (200, sound)]
    if wrong:
        raise CheckFailed(
            f"{len(wrong)} of the {len(answers)} animals did not answer with their sound.",
            expected="200 and the sound alone, e.g. GET /animals/cow -> 200 'Moo!'",
            actual=describe(wrong[:6]),
            advice="take the name from request.match_info and answer with FARM[name] as the "
            "response's text (the route is /animals/{name}).",
        )
    farm_holds_the_twelve(ctx)


def farm_holds_the_twelve(ctx: CheckContext) -> None:
    farm = ctx.function("FARM")
    if not isinstance(farm, dict):
        raise CheckFailed("FARM is not a dict.", actual=type(farm).__name__,
                          advice="FARM maps each animal's name to its sound.")
    wrong = [f"  {name}: expected {sound!r}, found {farm.get(name, '(missing)')!r}"
             for name, sound in TUTORIAL_FARM.items() if farm.get(name) != sound]
    if wrong:
        raise CheckFailed(
            "FARM does not hold every animal of the tutorial with its sound.",
            details="\n".join(wrong),
            advice="keep the twelve animals and sounds given in the exercise (you may add more).",
        )


def delay_is_the_tutorials(ctx: CheckContext) -> None:
    delay = getattr(ctx.module, "DELAY", None)
    if delay != TUTORIAL_DELAY:
        raise CheckFailed(
            "DELAY is not the tutorial's 5 seconds.",
            expected=f"DELAY = {TUTORIAL_DELAY}", actual=f"DELAY = {delay!r}",
            advice="keep DELAY at 5: the grader's time is virtual, so a long delay costs nothing.",
        )


@SUITE.check("an unknown animal gets a 404 that names it", points=1, tags=("results",))
def unknown_is_404(ctx: CheckContext) -> None:
    async def scenario(session: aiohttp.ClientSession, served: Served) -> list[Answer]:
        return await fetch_all(session, served, [f"/animals/{name}" for name in UNKNOWN])

    answers = on_farm(ctx, "GET /animals/unicorn", scenario).value
    wrong = [a for a, name in zip(answers, UNKNOWN, strict=True)
             if (a.status, a.text) != (404, not_found_text(name))]
    if wrong:
        raise CheckFailed(
            "An animal that is not on the farm did not get the 404 answer.",
            expected="\n".join(f"GET /animals/{name} -> 404 {not_found_text(name)!r}"
                               for name in UNKNOWN),
            actual=describe(wrong),
            advice="when the name is not in FARM, return web.Response(status=404, text=...) "
            "with that sentence (a KeyError would give a 500 instead).",
        )


@SUITE.check("an unknown animal is answered at once", points=1, tags=("timing",))
def unknown_at_once(ctx: CheckContext) -> None:
    async def scenario(session: aiohttp.ClientSession, served: Served) -> Answer:
        return await fetch(session, served, "/animals/unicorn")

    ran = on_farm(ctx, "GET /animals/unicorn", scenario)
    answer, slept = ran.value, ran.slept
    if answer.seconds > AT_ONCE or slept:
        raise CheckFailed(
            "GET /animals/unicorn made the client wait, though there is nothing to wait for.",
            expected="the 404 comes at once (0 s)",
            actual=f"it came after {answer.seconds:.1f} s"
            + (f"; {describe_sleeps(slept)}" if slept else ""),
            advice="look the name up first and answer the 404 before any waiting: only a "
            "known animal takes DELAY seconds.",
        )


def crowd(size: int) -> tuple[str, ...]:
    """`size` names, the same for every run: the farm's animals taken five apart (so repeats
    come once there are more than twelve), every seventh name one the farm does not know."""
    known = list(TUTORIAL_FARM)
    return tuple(UNKNOWN[i // 7 % len(UNKNOWN)] if i % 7 == 3 else known[i * 5 % len(known)]
                 for i in range(size))


CROWDS: tuple[tuple[str, ...], ...] = (
    (*TUTORIAL_FARM, *list(TUTORIAL_FARM)[:6], *UNKNOWN),
    crowd(1),
    crowd(7),
    crowd(25),
    crowd(60),
)
"""The crowds crowd_within_one_delay sends, each all at once, one crowd after another. The
contract allows any number of requests at the same time, for known and unknown animals, repeats
included: every known one answers after one DELAY, every unknown one at once, so a crowd takes
one DELAY whatever its size. Sampled with a fixed table (`crowd` is a formula, not a random
draw) so that no verdict changes between runs: the tutorial's twelve with repeats and unknowns
first (its message is the one most learners read), then sizes 1, 7, 25 and 60, so that a server
that serves a fixed number at a time (twenty, say) fails on the smallest crowd beyond it."""


@SUITE.check("crowds of requests at once, up to sixty, are each answered within one DELAY",
             points=3, tags=("timing",))
def crowd_within_one_delay(ctx: CheckContext) -> None:
    async def scenario(session: aiohttp.ClientSession, served: Served) -> list[list[Answer]]:
        return [await fetch_all(session, served, [f"/animals/{name}" for name in names])
                for names in CROWDS]

    ran = on_farm(ctx, "crowds of requests at once", scenario)
    delay_is_the_tutorials(ctx)
    for names, answers in zip(CROWDS, ran.value, strict=True):
        judge_crowd(ctx, names, answers, ran.slept)


def judge_crowd(ctx: CheckContext, names: tuple[str, ...], answers: list[Answer],
                slept: list[TimeSleepCall]) -> None:
    """Fail when this crowd took more than one DELAY, or a known animal answered early."""
    total = max(a.answered for a in answers) - min(a.sent for a in answers)
    known = [a for a, name in zip(answers, names, strict=True) if name in TUTORIAL_FARM]
    quickest = min(a.seconds for a in known)
    sent = ", ".join(names)
    expected = (f"every known animal answers after {TUTORIAL_DELAY} s, all of them together, "
                f"so the {len(names)} requests take {TUTORIAL_DELAY} s in all")
    if total > TUTORIAL_DELAY + SLACK:
        ctx.timeline = render_printed(
            "When each answer came",
            sorted((PrintedLine(f"GET {a.path} -> {a.status} {a.text}", a.answered)
                    for a in answers), key=lambda printed: printed.time or 0.0),
        )
        raise CheckFailed(
            f"{len(names)} requests sent at once took {total:.1f} s to be answered.",
            expected=expected,
            actual=f"{total:.1f} s, about {total / TUTORIAL_DELAY:.0f} delays: "
            + ("the animals answered one after another"
               if total >= len(known) * TUTORIAL_DELAY - SLACK else
               "some animals waited for others to be answered first"),
            details=f"GET /animals/{{name}} for each of these, all sent at the same time: {sent}",
            advice="while a handler waits its DELAY the way a coroutine waits, the server answers "
            "other requests, however many there are. Look for something that makes requests "
            "wait for each other (a lock, a limit on how many wait at once, or waiting in a way "
            "that does not give control back).",
        )
    if quickest < TUTORIAL_DELAY - 0.01:
        blocked = (f" {describe_sleeps(slept)}: it blocks the whole server instead of waiting "
                   "on the event loop." if slept else "")
        raise CheckFailed(
            f"A known animal answered after {quickest:.1f} s instead of DELAY seconds.",
            expected=expected,
            actual=f"the quickest known animal answered after {quickest:.1f} s.{blocked}",
            advice="look at what your handler does before it answers: a known animal waits "
            "DELAY seconds first, the way a coroutine waits.",
        )


@SUITE.check("handlers never block the event loop", points=2, tags=("blocking",))
def never_blocks(ctx: CheckContext) -> None:
    lesson = ("A server runs every handler on one event loop: while one handler blocks, no other "
              "request is answered, however many clients wait.")
    fail_on_blocking_calls(ctx.static_blocking_calls(), step_lesson=lesson)

    async def scenario(session: aiohttp.ClientSession, served: Served) -> list[Answer]:
        return await fetch_all(session, served, ["/animals", "/animals/cow", "/animals/unicorn"])

    ran = on_farm(ctx, "GET /animals, /animals/cow and /animals/unicorn", scenario,
                  judge_handlers=False, disarm_sleep=False, watch_blocking=True)
    fail_on_blocking_calls(ran.blocking, step_lesson=lesson)
