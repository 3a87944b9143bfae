"""Exercise 05: the farm's client again, with aiohttp and every animal at once.

Each check serves the pack's farm with aiohttp's TestServer on a free loopback port, on the same
looptime event loop as the student's coroutines, and points the student's BASE_URL at it. Real
requests go over real sockets, but the farm's 5 s delays pass in virtual time: three animals asked
for at once take 5.0 virtual seconds, one after another 15.0, and a check takes milliseconds.

Blocking calls are watched during every check, not only the blocking one: a `requests` call
inside a coroutine would wait for a farm that can only answer once that very call gives the loop
back, so it would hang. Blockbuster stops it at once instead, and the check says why.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from graders.farm.clients import (
    GRADING_ANIMALS,
    UNKNOWN_ANIMAL,
    aimed_at,
    check_base_url,
    check_no_work_at_import,
    check_requests,
    compare_lines,
    lines_for,
    paths_for,
    raised_the_error_wanted,
    wrong_requests,
)
from graders.farm.service import DELAY, Delays, FarmLog, RunningFarm, farm_on_loop, not_found
from graders.kit import (
    BlockingCall,
    CheckContext,
    CheckFailed,
    PrintedLine,
    Suite,
    fail_on_blocking_calls,
    replaced,
    run_student,
    side_by_side,
)

SUITE = Suite()

SAFETY_SOCKET_TIMEOUT = 5.0
"""Real seconds a blocking socket may wait, should a blocking call slip past the watch: it fails
the check with an error long before the check's own time limit."""
ONE_DELAY_BOUNDS = (DELAY * 0.9, DELAY * 1.5)
"""Virtual seconds three animals asked for at once may take: one delay (5 s) and some slack.
Below, nothing really waited for the farm (blocking code takes no virtual time); above, some
answers were waited for one after another (two at a time takes 10 s, all in turn 15 s)."""
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
    printed: list[PrintedLine]
    blocking: list[BlockingCall]


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
    delay: Delays = DELAY,
    watch_only: tuple[str, ...] = NETWORK_CALLS,
) -> FarmRun:
    """Run `student_part(farm)` on a virtual-time loop with the grader's farm beside it.

    Blocking calls are watched, by default only the network ones (which would hang); `()`
    watches every blocking call blockbuster knows.

    Fails with the most useful message: what the code asked the farm for when that was wrong,
    the blocking calls it made when it blocked, or else the exception it raised.
    """
    log = FarmLog()
    started: list[float] = []
    elapsed: list[float] = []

    async def scenario() -> Any:
        async with farm_on_loop(delay, GRADING_ANIMALS, log) as farm:
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
        explain_failure(ran.failure, log, expected_paths, call, ran.blocking)
        raise ran.failure
    start = started[0] if started else 0.0
    printed = [PrintedLine(line.text, (line.time or start) - start) for line in ran.printed]
    return FarmRun(ran.value, elapsed[0] if elapsed else 0.0, log, printed, ran.blocking)


def explain_failure(failure: CheckFailed, log: FarmLog, expected_paths: list[str], call: str,
                    blocking: list[BlockingCall]) -> None:
    """Raise a failure that says more than the exception, when there is more to say."""
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
    made: list[tuple[aiohttp.ClientSession, str]] = []
    original = aiohttp.ClientSession._request

    async def _request(self: aiohttp.ClientSession, method: str, url: Any, *args: Any,
                       **kwargs: Any) -> Any:
        made.append((self, str(url)))
        return await original(self, method, url, *args, **kwargs)

    with replaced(aiohttp.ClientSession, "_request", _request):
        yield made


async def with_session(student: Callable[[aiohttp.ClientSession], Awaitable[Any]]) -> Any:
    async with aiohttp.ClientSession() as session:
        return await student(session)


@SUITE.check("speak returns the animal's line from the farm", points=2, tags=("results",))
def speak_returns_line(ctx: CheckContext) -> None:
    speak = ctx.function("speak")
    animals = ["cow", "fox"]

    async def ask(farm: RunningFarm) -> list[Any]:
        return await with_session(
            lambda session: _in_turn([lambda a=a: speak(a, session) for a in animals]))

    run = on_farm(ctx, "speak('cow', session), then speak('fox', session)", ask,
                  paths_for(animals))
    compare_lines(
        "speak('cow', session), then speak('fox', session),", "returned", lines_for(animals),
        run.value,
        advice="return the line made of the animal and the text the farm answered, exactly: "
        'The cow says "Moo!". (the fox is an animal only the grader\'s farm knows: its sound '
        "must come from the farm's answer)",
    )


async def _in_turn(calls: list[Callable[[], Awaitable[Any]]]) -> list[Any]:
    return [await call() for call in calls]


@SUITE.check("speak asks for BASE_URL/animal, and BASE_URL has no trailing slash", points=1,
             tags=("results",))
def speak_asks_the_right_url(ctx: CheckContext) -> None:
    speak = ctx.function("speak")
    call = "speak('horse', session)"
    run = on_farm(ctx, call, lambda farm: with_session(lambda s: speak("horse", s)),
                  paths_for(["horse"]))
    check_requests(run.log, paths_for(["horse"]), call)
    check_base_url(ctx.module, ctx.main_file)


@SUITE.check("speak asks the farm with the session it is given", points=1, tags=("results",))
def speak_uses_given_session(ctx: CheckContext) -> None:
    speak = ctx.function("speak")
    given: list[aiohttp.ClientSession] = []

    async def ask(session: aiohttp.ClientSession) -> Any:
        given.append(session)
        return await speak("pig", session)

    with sessions_recorded() as made:
        on_farm(ctx, "speak('pig', session)", lambda farm: with_session(ask), paths_for(["pig"]))
    others = [url for used, url in made if used is not given[0]]
    if not made or others:
        raise CheckFailed(
            "speak('pig', session) did not make its request with the session it was given.",
            expected="one request, through the ClientSession passed in",
            actual=f"{len(others)} request(s) through another ClientSession"
            if others else "no request through any aiohttp.ClientSession",
            advice="make the request through the `session` argument: one session shares its "
            "connections among all the requests.",
        )


@SUITE.check("speak raises aiohttp.ClientResponseError for an animal the farm does not know",
             points=2, tags=("results",))
def speak_raises_on_unknown_animal(ctx: CheckContext) -> None:
    speak = ctx.function("speak")
    call = f"speak({UNKNOWN_ANIMAL!r}, session)"
    try:
        run = on_farm(ctx, call, lambda farm: with_session(lambda s: speak(UNKNOWN_ANIMAL, s)),
                      paths_for([UNKNOWN_ANIMAL]))
    except CheckFailed as failure:
        raised_the_error_wanted(
            failure, call, aiohttp.ClientResponseError,
            advice="response.raise_for_status() raises aiohttp.ClientResponseError for an error "
            "status; so does raising it yourself with the response's request_info and status.",
        )
        return
    check_requests(run.log, paths_for([UNKNOWN_ANIMAL]), call)
    raise CheckFailed(
        f"{call} returned instead of raising aiohttp.ClientResponseError.",
        expected="aiohttp.ClientResponseError: the farm answered 404 and "
        f"{not_found(UNKNOWN_ANIMAL)!r}",
        actual=f"it returned {run.value!r}",
        advice="an answer with an error status is not a sound: check the response's status "
        "before you use its text (response.raise_for_status() does it for you). A session "
        "made with raise_for_status=True would raise for you, but speak gets whatever session "
        "its caller made, so it checks by itself.",
    )


def run_main(ctx: CheckContext, animals: list[str] | None, delay: Delays = DELAY,
             watch_only: tuple[str, ...] = NETWORK_CALLS) -> tuple[str, list[str], FarmRun]:
    """(the call, the lines expected, what happened)."""
    main = ctx.function("main")
    call = "main()" if animals is None else f"main({tuple(animals)!r})"
    asked = ["cow", "pig", "chicken"] if animals is None else animals
    run = on_farm(ctx, call, lambda farm: main() if animals is None else main(animals),
                  paths_for(asked), delay, watch_only)
    check_requests(run.log, paths_for(asked), call)
    return call, lines_for(asked), run


ORDER_DELAYS = {"cow": DELAY, "fox": DELAY * 0.6, "pig": DELAY * 0.2}
"""For the order check: the first animal answers last, the last one first."""


@SUITE.check("main prints and returns every line, in the order given, only when called",
             points=2, tags=("results",))
def main_prints_and_returns_lines(ctx: CheckContext) -> None:
    for animals, delay in ((None, DELAY), (list(ORDER_DELAYS), ORDER_DELAYS)):
        call, expected, run = run_main(ctx, animals, delay)
        returned = run.value
        if isinstance(returned, tuple) and list(returned) == expected:
            raise CheckFailed(f"{call} returned a tuple, not a list.",
                              advice="return a list of the lines (list(...) if need be).")
        in_order = (" The farm answers the pig first and the cow last here: gather (or tasks "
                    "kept in a list) give results in the order the animals were given, whatever "
                    "the order the answers come in.") if animals else ""
        compare_lines(call, "returned", expected, returned,
                      advice="return a list with one line per animal, in the order the animals "
                      "were given." + in_order)
        compare_lines(call, "printed", expected, [line.text for line in run.printed],
                      advice="print every line, in the order the animals were given, and "
                      "nothing else." + in_order)
    check_no_work_at_import(Path(ctx.module.__file__ or ctx.main_file))


OVERLAP_SCENARIOS: tuple[tuple[str, ...] | None, ...] = (
    None,
    ("fox",),
    ("pig", "cow"),
    ("cow", "cow", "pig", "cow"),
    ("cow", "pig", "chicken", "sheep", "fox"),
    ("rooster", "turkey", "horse", "frog", "cat", "dog", "duck", "bird", "chicken", "sheep"),
)
"""The animals main_overlaps_requests times main with. The contract allows any sequence of the
farm's animals, in any order, repeats included, and asks one delay for all of them whatever their
number. Sampled with a fixed table, not a random generator, so that a verdict never changes
between runs and each scenario can be named: main() first (so that a learner whose main is one
after another reads the tutorial's own call), then sizes from 1 to 10 in growing order (the first
failure is the smallest call that shows it), a repeated animal, orders that are not the farm's.
Sizes 4 and 5 catch a client that asks three at a time, which main() alone cannot tell from
right code. The table stops at 10: a pool or a semaphore of ten connections is a style the pack
takes as right. Unknown animals are left out: the contract does not say what main does with them."""


@SUITE.check("main asks for every animal at once: any number of them take one delay",
             points=2, tags=("timing",))
def main_overlaps_requests(ctx: CheckContext) -> None:
    for animals in OVERLAP_SCENARIOS:  # the first failing one is the smallest after main()
        call, _, run = run_main(ctx, None if animals is None else list(animals))
        fail_unless_one_delay(ctx, call, run, animals or ("cow", "pig", "chicken"))


def fail_unless_one_delay(ctx: CheckContext, call: str, run: FarmRun,
                          animals: tuple[str, ...]) -> None:
    low, high = ONE_DELAY_BOUNDS
    if low <= run.seconds <= high:
        return
    ctx.timeline = side_by_side(f"Your {call}", farm_timeline(run.log),
                                "At once", expected_timeline(animals))
    how_many = f"{len(animals)} animal" + ("s" if len(animals) > 1 else "")
    if run.seconds > high:
        raise CheckFailed(
            f"{call} took {run.seconds:g} s of virtual time; asked for all at once, "
            f"{how_many} take {DELAY:g} s.",
            expected=f"about {DELAY:g} s: the {how_many} wait for the farm at the same time, "
            "however many there are",
            actual=f"{run.seconds:g} s: " + ("the farm was asked for one animal after the other"
                                             if not run.log.overlapping() else
                                             "some animals were asked for only after others "
                                             "were answered"),
            advice="start every speak before you wait for any of them: asyncio.gather(...) over "
            "all the coroutines, or tasks in an asyncio.TaskGroup; an `await` in a for loop "
            "waits for each answer before it asks for the next animal, and a limit on how many "
            "are asked at a time makes the rest wait their turn.",
        )
    raise CheckFailed(
        f"{call} took {run.seconds:g} s of virtual time, less than the farm's {DELAY:g} s delay.",
        expected=f"about {DELAY:g} s",
        actual=f"{run.seconds:g} s",
        advice="the answers cannot come back before the farm's delay: does main really wait "
        "for aiohttp's answers, or does something block the event loop meanwhile (a blocking "
        "call takes no time on the grader's clock)?",
    )


def farm_timeline(log: FarmLog) -> list[PrintedLine]:
    """The farm's requests and answers in the order they happened. At one instant, each request
    comes before its own answer, and an answer before the requests that arrived after its own
    (a one-after-another main asks for pig the moment cow's answer came)."""
    start = min((visit.arrived for visit in log.visits), default=0.0)
    events = [((v.arrived, index, 0), f"asked for {v.path}") for index, v in enumerate(log.visits)]
    events += [((v.answered, index, 1), f"answered {v.path}")
               for index, v in enumerate(log.visits) if v.answered is not None]
    return [PrintedLine(text, when - start) for (when, _, _), text in sorted(events)]


def expected_timeline(animals: tuple[str, ...]) -> list[PrintedLine]:
    """What right code asks and gets: every animal asked at 0, every answer at one delay."""
    return [*(PrintedLine(f"asked for /animals/{a}", 0.0) for a in animals),
            *(PrintedLine(f"answered /animals/{a}", DELAY) for a in animals)]


@SUITE.check("main uses one ClientSession for every animal", points=1, tags=("results",))
def main_uses_one_session(ctx: CheckContext) -> None:
    with sessions_recorded() as made:
        call, _, _ = run_main(ctx, None)
    sessions = {id(session) for session, _ in made}
    if len(sessions) != 1:
        raise CheckFailed(
            f"{call} did not ask for all its animals through one ClientSession.",
            expected="3 requests through 1 aiohttp.ClientSession",
            actual=f"{len(made)} request(s) through {len(sessions)} sessions",
            advice="make one aiohttp.ClientSession in main and hand it to every speak: a "
            "session keeps a pool of connections for all of them, and opening one per request "
            "is slow and wasteful.",
        )


@SUITE.check("nothing blocks the event loop: no requests or urllib inside a coroutine",
             points=2, tags=("blocking",))
def nothing_blocks(ctx: CheckContext) -> None:
    fail_on_blocking_calls(ctx.static_blocking_calls(), step_lesson=BLOCKING_LESSON)
    _, _, run = run_main(ctx, None, watch_only=())
    fail_on_blocking_calls(run.blocking, step_lesson=BLOCKING_LESSON)
