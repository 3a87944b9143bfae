"""Exercise 05: the farm's client again, with aiohttp and every animal at once.

Each check serves the pack's farm with aiohttp's TestServer on a free loopback port, on the same
looptime event loop as the student's coroutines, and points the student's BASE_URL at it. Real
requests go over real sockets, but the farm's delays pass in virtual time: a hundred animals
asked for at once take one delay, one after another a hundred, and a check takes milliseconds.

The checks of results and timing are judged (graders/kit/scenarios.py): the parent draws the
farms and calls (graders/suites/models/animals.py: made-up animals with their lines, error
statuses, odd delays, up to a hundred animals in one main), the child serves each farm, runs the
student's call and reports what it returned or raised, printed, took and asked the farm for; the
parent judges that against the contract.

Blocking calls are watched during every check, not only the blocking one: a `requests` call
inside a coroutine would wait for a farm that can only answer once that very call gives the loop
back, so it would hang. Blockbuster stops it at once instead, and the check says why.

aiohttp and the farm's server are imported where the checks use them (`SUITE.child_imports`):
the parent imports this module only to read the checks, and judges with the model alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graders.farm.clients import (
    GRADING_ANIMALS,
    aimed_at,
    calls_at_import,
    error_seen,
    observed_visits,
    paths_for,
    wrong_requests,
)
from graders.farm.herds import path_of, replies_of
from graders.farm.records import FarmLog, Reply, replies_for
from graders.kit import (
    BlockingCall,
    CheckContext,
    CheckFailed,
    PrintedLine,
    Scenario,
    Suite,
    blocking_judge,
    code_key,
    fail_on_blocking_calls,
    observed,
    observed_blocking,
    observed_once,
    observed_printed,
    replaced,
    run_student,
)
from graders.suites.models.animals import (
    judge_given_session,
    judge_main_lines,
    judge_main_timing,
    judge_one_session,
    judge_speak_error,
    judge_speak_line,
    judge_url,
    sample_blocking,
    sample_errors,
    sample_given_session,
    sample_main_lines,
    sample_main_timing,
    sample_speak_lines,
)

if TYPE_CHECKING:
    import aiohttp

    from graders.farm.service import RunningFarm

SUITE = Suite(child_imports=("aiohttp", "graders.farm.service"))

SAFETY_SOCKET_TIMEOUT = 5.0
"""Real seconds a blocking socket may wait, should a blocking call slip past the watch: it fails
the check with an error long before the check's own time limit."""
NETWORK_CALLS = ("socket.",)
"""What every check watches: a blocking network call would wait for a farm that cannot answer
until the call gives the loop back. Other blocking calls (time.sleep) only cost the blocking
check its points."""
BLOCKING_LESSON = (
    "While a coroutine makes a blocking call, the event loop is stuck in it: no other coroutine "
    "runs, and here not even the farm can answer."
)


@dataclass
class FarmRun:
    """What happened when student code ran against the grader's farm."""

    value: Any
    seconds: float
    """Virtual seconds the student's part took."""
    log: FarmLog
    visits: list[list[Any]]
    """The farm's log as plain JSON, times from when the student's part began."""
    printed: list[PrintedLine]
    blocking: list[BlockingCall]
    error: BaseException | None = None
    """The student's exception, when the run kept it (`keep_error`) instead of failing."""


@contextlib.contextmanager
def safety_socket_timeout() -> Iterator[None]:
    saved = socket.getdefaulttimeout()
    socket.setdefaulttimeout(SAFETY_SOCKET_TIMEOUT)
    try:
        yield
    finally:
        socket.setdefaulttimeout(saved)


def on_farm(
    ctx: CheckContext,
    call: str,
    student_part: Callable[[RunningFarm], Awaitable[Any]],
    expected_paths: list[str],
    replies: Mapping[str, Reply],
    watch_only: tuple[str, ...] = NETWORK_CALLS,
    keep_error: bool = False,
) -> FarmRun:
    """Run `student_part(farm)` on a virtual-time loop with the grader's farm beside it, the farm
    answering as `replies` say.

    Blocking calls are watched, by default only the network ones (which would hang); `()`
    watches every blocking call blockbuster knows.

    Fails with the most useful message: what the code asked the farm for when that was wrong,
    the blocking calls it made when it blocked, or else the exception it raised; with
    `keep_error`, an exception of the student's own that did not block is kept in the run
    instead, for the parent to judge.
    """
    from graders.farm.service import farm_on_loop

    log = FarmLog()
    started: list[float] = []
    elapsed: list[float] = []

    async def scenario() -> Any:
        async with farm_on_loop(log=log, replies=replies) as farm:
            loop = asyncio.get_running_loop()
            with aimed_at(ctx.module, farm):
                started.append(loop.time())
                try:
                    return await student_part(farm)
                finally:
                    elapsed.append(loop.time() - started[0])

    with safety_socket_timeout():
        ran = run_student(ctx, call, scenario, watch_blocking=watch_only, keep_failure=True)
    if ran.failure is not None:
        error = ran.failure.__cause__
        judged = (keep_error and not ran.blocking and isinstance(error, Exception)
                  and not isinstance(error, NotImplementedError | CheckFailed))
        if not judged:
            explain_failure(ran.failure, log, expected_paths, call, ran.blocking)
            raise ran.failure
    start = started[0] if started else 0.0
    printed = [PrintedLine(line.text, (line.time or start) - start) for line in ran.printed]
    return FarmRun(ran.value, elapsed[0] if elapsed else 0.0, log, observed_visits(log, start),
                   printed, ran.blocking, ran.error)


def explain_failure(failure: CheckFailed, log: FarmLog, expected_paths: list[str], call: str,
                    blocking: list[BlockingCall]) -> None:
    """Raise a failure that says more than the exception, when there is more to say."""
    import aiohttp

    error = failure.__cause__
    if isinstance(error, NotImplementedError):
        return
    if blocking:
        try:
            fail_on_blocking_calls(
                blocking, step_lesson=BLOCKING_LESSON,
                summary=f"{call} failed because it blocked the event loop.",
                advice="ask the farm through the aiohttp.ClientSession you are given: its "
                "requests wait without blocking the loop.",
            )
        except CheckFailed as blocked:
            blocked.details = f"{blocked.details}\n{failure.render()}"
            raise blocked from failure
    reached = bool(log.visits) or isinstance(error, aiohttp.ClientConnectionError)
    wrong = wrong_requests(log, expected_paths, call) if reached else None
    if wrong is not None:
        wrong.details = failure.render()
        raise wrong from failure


@contextlib.contextmanager
def sessions_recorded() -> Iterator[list[tuple[aiohttp.ClientSession, str]]]:
    """Every request made through any aiohttp.ClientSession, with the session that made it.
    Sessions are kept, so that no two share an id()."""
    import aiohttp

    made: list[tuple[aiohttp.ClientSession, str]] = []
    original = aiohttp.ClientSession._request

    async def _request(self: aiohttp.ClientSession, method: str, url: Any, *args: Any,
                       **kwargs: Any) -> Any:
        made.append((self, str(url)))
        return await original(self, method, url, *args, **kwargs)

    with replaced(aiohttp.ClientSession, "_request", _request):
        yield made


def session_numbers(made: list[tuple[aiohttp.ClientSession, str]],
                    given: aiohttp.ClientSession | None = None) -> list[Any]:
    """Which session made each request: "given" for `given`, else 1, 2, ... in order of use."""
    numbers: dict[int, int] = {}
    return ["given" if session is given else numbers.setdefault(id(session), len(numbers) + 1)
            for session, _ in made]


# --- speak ---------------------------------------------------------------------------------------


def observe_speak(ctx: CheckContext, scenario: Scenario, keep_error: bool = False
                  ) -> dict[str, Any]:
    """speak(animal, session) with a session of the grader's, on the scenario's farm: run once
    for the checks that share speak_returns_line's draw, each judging its part."""
    speak = ctx.function("speak")
    return observed_once(("speak", code_key(speak), keep_error, scenario),
                         lambda: speak_on_farm(ctx, speak, scenario, keep_error))


def speak_on_farm(ctx: CheckContext, speak: Any, scenario: Scenario, keep_error: bool
                  ) -> dict[str, Any]:
    import aiohttp

    animal = scenario["animal"]
    base_url = observed(getattr(ctx.module, "BASE_URL", None))  # before the grader's replaces it
    given: list[aiohttp.ClientSession] = []

    async def ask(farm: RunningFarm) -> Any:
        async with aiohttp.ClientSession() as session:
            given.append(session)
            return await speak(animal, session)

    with sessions_recorded() as made:
        run = on_farm(ctx, scenario["call"], ask, [path_of(animal)],
                      replies_of(scenario["farm"]), keep_error=keep_error)
    return {"value": observed(run.value),
            "error": error_seen(run.error, aiohttp.ClientResponseError), "visits": run.visits,
            "sessions": session_numbers(made, given[0] if given else None),
            "base_url": base_url}


@SUITE.judged("speak returns the animal's line from the farm, for any animal and any line",
              points=2, tags=("results",), sample=sample_speak_lines, judge=judge_speak_line,
              draw="speak_returns_line")
def speak_returns_line(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_speak(ctx, scenario)


@SUITE.judged("speak asks for BASE_URL/animal, and BASE_URL has no trailing slash", points=1,
              tags=("results",), sample=sample_speak_lines, judge=judge_url,
              draw="speak_returns_line")
def speak_asks_the_right_url(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_speak(ctx, scenario)


@SUITE.judged("speak asks the farm with the session it is given", points=1, tags=("results",),
              sample=sample_given_session, judge=judge_given_session)
def speak_uses_given_session(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_speak(ctx, scenario)


@SUITE.judged("speak raises aiohttp.ClientResponseError for every error status",
              points=2, tags=("results",), sample=sample_errors, judge=judge_speak_error)
def speak_raises_on_error_status(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_speak(ctx, scenario, keep_error=True)


# --- main ----------------------------------------------------------------------------------------


def observe_main(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    """main(animals) on the scenario's farm: what it returned, printed and asked, how long it
    took and through which sessions; for the scenario marked so, what the module ran at import.
    Run once for the checks that share a draw, each judging its part."""
    main = ctx.function("main")
    return observed_once(("main", code_key(main), scenario),
                         lambda: main_on_farm(ctx, main, scenario))


def main_on_farm(ctx: CheckContext, main: Any, scenario: Scenario) -> dict[str, Any]:
    animals = scenario["animals"]
    asked = ["cow", "pig", "chicken"] if animals is None else animals
    with sessions_recorded() as made:
        run = on_farm(ctx, scenario["call"],
                      lambda farm: main() if animals is None else main(tuple(animals)),
                      [path_of(animal) for animal in asked], replies_of(scenario["farm"]))
    at_import = (calls_at_import(Path(ctx.module.__file__ or ctx.main_file))
                 if scenario.get("import") else [])
    return {"value": observed(run.value), "printed": observed_printed(run.printed),
            "seconds": run.seconds, "visits": run.visits, "sessions": session_numbers(made),
            "at_import": at_import}


@SUITE.judged("main prints and returns every line, in the order given, only when called",
              points=2, tags=("results",), sample=sample_main_lines, judge=judge_main_lines)
def main_prints_and_returns_lines(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_main(ctx, scenario)


@SUITE.judged("main asks for every animal at once: up to a hundred take one delay", points=2,
              tags=("timing",), sample=sample_main_timing, judge=judge_main_timing,
              draw="main_overlaps_requests")
def main_overlaps_requests(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_main(ctx, scenario)


@SUITE.judged("main uses one ClientSession for every animal", points=1, tags=("results",),
              sample=sample_main_timing, judge=judge_one_session,
              draw="main_overlaps_requests")
def main_uses_one_session(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_main(ctx, scenario)


@SUITE.judged("nothing blocks the event loop: no requests or urllib inside a coroutine",
              points=2, tags=("blocking",), sample=sample_blocking,
              judge=blocking_judge(step_lesson=BLOCKING_LESSON))
def nothing_blocks(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    found = ctx.static_blocking_calls()
    if found:  # what the run would show is already written in the source
        return {"blocking": observed_blocking(found), "not_written": []}
    main = ctx.function("main")
    run = on_farm(ctx, scenario["call"], lambda farm: main(), paths_for(["cow", "pig", "chicken"]),
                  replies_for(GRADING_ANIMALS), watch_only=())
    return {"blocking": observed_blocking([*found, *run.blocking]), "not_written": []}
