"""Exercise 01: the warmup client, synchronous, with `requests`.

A blocking client cannot be served by a server on its own thread's event loop, and virtual time
cannot make a blocking socket wait shorter, so each check serves the pack's farm from a thread
with short *real* delays and points the student's BASE_URL at it.

Robust under load: no verdict here depends on how fast the machine is. Results are values, lines
and exceptions. "One after another" is read from the farm's log, not from a stopwatch: a request
that arrives before the previous one was answered overlaps it. A sequential client can only send
its next request after it got the previous answer, which the farm writes down before it sends
it, so no amount of load can make a correct client look concurrent. OVERLAP_DELAY only has to be
long enough to catch a wrong, concurrent client (threads): its requests leave within a
millisecond or so of each other and each stays 0.1 s in the farm, so the machine would have to
stall a thread a hundred times longer than usual to hide the overlap, and even then a wrong
client would pass that one check; a correct one never fails it. The delays are short because they
are real time: the whole exercise waits under half a second in the farm.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

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
from graders.farm.service import RunningFarm, farm_in_thread, not_found
from graders.kit import CheckContext, CheckFailed, Ran, Suite, replaced, run_student

SUITE = Suite()

RESULTS_DELAY = 0.01
"""Real seconds each animal takes when only results matter: short, but a real wait."""
OVERLAP_DELAY = 0.1
"""Real seconds each animal takes in the check that requests do not overlap (see above)."""


@contextlib.contextmanager
def grading_farm(ctx: CheckContext, delay: float = RESULTS_DELAY) -> Iterator[RunningFarm]:
    with farm_in_thread(delay, GRADING_ANIMALS) as farm, aimed_at(ctx.module, farm):
        yield farm


@contextlib.contextmanager
def sessions_recorded() -> Iterator[list[tuple[requests.Session, str]]]:
    """Every request sent through any requests.Session (requests.get makes one of its own), with
    the session that sent it. Recorded at Session.send, which every way of asking goes through
    (session.get, session.request, session.send of a prepared request). Sessions are kept, so
    that no two share an id()."""
    made: list[tuple[requests.Session, str]] = []
    original = requests.Session.send

    def send(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        made.append((self, str(request.url)))
        return original(self, request, **kwargs)

    with replaced(requests.Session, "send", send):
        yield made


def call_reaching_farm(ctx: CheckContext, farm: RunningFarm, call: str, function: Any,
                       expected_paths: list[str]) -> Ran:
    """Call student code, what it prints recorded; when it fails after asking the farm for the
    wrong thing (or could not reach it), say that first."""
    ran = run_student(ctx, call, function, virtual=False, keep_failure=True)
    failure = ran.failure
    if failure is None:
        return ran
    missed = not farm.log.visits and isinstance(ran.error, requests.ConnectionError)
    if farm.log.visits or missed:
        wrong = wrong_requests(farm.log, expected_paths, call)
        if wrong is not None:
            wrong.details = failure.render()
            raise wrong from failure
    raise failure


@SUITE.check("speak returns the animal's line from the farm", points=2, tags=("results",))
def speak_returns_line(ctx: CheckContext) -> None:
    speak = ctx.function("speak")
    animals = ["cow", "fox"]
    with grading_farm(ctx) as farm, requests.Session() as session:
        said = [
            call_reaching_farm(ctx, farm, f"speak({animal!r}, session)",
                               lambda a=animal: speak(a, session), paths_for(animals)).value
            for animal in animals
        ]
    compare_lines(
        "speak('cow', session), then speak('fox', session),", "returned", lines_for(animals),
        said,
        advice='return the line made of the animal and the text the farm answered, exactly: '
        'The cow says "Moo!". (the fox is an animal only the grader\'s farm knows: its sound '
        "must come from the farm's answer)",
    )


@SUITE.check("speak asks for BASE_URL/animal, and BASE_URL has no trailing slash", points=1,
             tags=("results",))
def speak_asks_the_right_url(ctx: CheckContext) -> None:
    speak = ctx.function("speak")
    with grading_farm(ctx) as farm, requests.Session() as session:
        call_reaching_farm(ctx, farm, "speak('horse', session)", lambda: speak("horse", session),
                           paths_for(["horse"]))
    check_requests(farm.log, paths_for(["horse"]), "speak('horse', session)")
    check_base_url(ctx.module, ctx.main_file)


@SUITE.check("speak asks the farm with the session it is given", points=1, tags=("results",))
def speak_uses_given_session(ctx: CheckContext) -> None:
    speak = ctx.function("speak")
    with grading_farm(ctx) as farm, requests.Session() as session, sessions_recorded() as made:
        call_reaching_farm(ctx, farm, "speak('pig', session)", lambda: speak("pig", session),
                           paths_for(["pig"]))
    others = [url for used, url in made if used is not session]
    if not made or others:
        raise CheckFailed(
            "speak('pig', session) did not make its request with the session it was given.",
            expected="one request, through session.get(...)",
            actual=f"{len(others)} request(s) through another session (requests.get makes a "
            "new session each time)" if others else "no request through any requests.Session",
            advice="call get on the `session` argument: a session keeps its connection to the "
            "farm open, so the next animal does not have to connect again.",
        )


@SUITE.check("speak raises requests.HTTPError for an animal the farm does not know", points=2,
             tags=("results",))
def speak_raises_on_unknown_animal(ctx: CheckContext) -> None:
    speak = ctx.function("speak")
    call = f"speak({UNKNOWN_ANIMAL!r}, session)"
    with grading_farm(ctx) as farm, requests.Session() as session:
        try:
            said = call_reaching_farm(ctx, farm, call, lambda: speak(UNKNOWN_ANIMAL, session),
                                      paths_for([UNKNOWN_ANIMAL])).value
        except CheckFailed as failure:
            raised_the_error_wanted(
                failure, call, requests.HTTPError,
                advice="let requests turn an error status into its own exception: "
                "response.raise_for_status() raises requests.HTTPError.",
            )
            return
    check_requests(farm.log, paths_for([UNKNOWN_ANIMAL]), call)
    raise CheckFailed(
        f"{call} returned instead of raising requests.HTTPError.",
        expected=f"requests.HTTPError: the farm answered 404 and {not_found(UNKNOWN_ANIMAL)!r}",
        actual=f"it returned {said!r}",
        advice="an answer with an error status is not a sound: check the response's status "
        "(response.raise_for_status() raises requests.HTTPError for 4xx and 5xx) before you "
        "use its text.",
    )


def run_main(ctx: CheckContext, animals: list[str] | None) -> tuple[str, list[str], Any,
                                                                     list[str]]:
    """(the call, the lines expected, what main returned, what it printed)."""
    main = ctx.function("main")
    call = "main()" if animals is None else f"main({tuple(animals)!r})"
    asked = ["cow", "pig", "chicken"] if animals is None else animals
    with grading_farm(ctx) as farm:
        ran = call_reaching_farm(
            ctx, farm, call, (lambda: main()) if animals is None else (lambda: main(animals)),
            paths_for(asked),
        )
    check_requests(farm.log, paths_for(asked), call)
    return call, lines_for(asked), ran.value, ran.texts


@SUITE.check("main prints and returns every line, in the order given, only when called",
             points=2,
             tags=("results",))
def main_prints_and_returns_lines(ctx: CheckContext) -> None:
    for animals in (None, ["pig", "fox", "duck"]):
        call, expected, returned, printed = run_main(ctx, animals)
        if isinstance(returned, tuple) and list(returned) == expected:
            raise CheckFailed(f"{call} returned a tuple, not a list.",
                              advice="collect the lines in a list and return the list.")
        compare_lines(
            call, "returned", expected, returned,
            advice="return a list with one line per animal, in the order the animals were given"
            + (" (by default cow, pig, chicken)." if animals is None else "."),
        )
        compare_lines(call, "printed", expected, printed,
                      advice="print each line as soon as you have it, and nothing else.")
    check_no_work_at_import(Path(ctx.module.__file__ or ctx.main_file))


@SUITE.check("main uses one session for every animal", points=1, tags=("results",))
def main_uses_one_session(ctx: CheckContext) -> None:
    main = ctx.function("main")
    with grading_farm(ctx) as farm, sessions_recorded() as made:
        call_reaching_farm(ctx, farm, "main()", lambda: main(), paths_for(["cow", "pig",
                                                                           "chicken"]))
    sessions = {id(session) for session, _ in made}
    if len(sessions) != 1:
        raise CheckFailed(
            "main() did not ask for all its animals through one session.",
            expected="3 requests through 1 requests.Session",
            actual=f"{len(made)} request(s) through {len(sessions)} sessions",
            advice="make one requests.Session in main (a `with` block closes it at the end) and "
            "hand it to speak for every animal; requests.get opens a new session, and a new "
            "connection, each time.",
        )


@SUITE.check("main asks for one animal after another", points=1, tags=("timing",))
def main_is_sequential(ctx: CheckContext) -> None:
    main = ctx.function("main")
    with grading_farm(ctx, OVERLAP_DELAY) as farm:
        call_reaching_farm(ctx, farm, "main()", lambda: main(), paths_for(["cow", "pig",
                                                                           "chicken"]))
    overlaps = farm.log.overlapping()
    if overlaps:
        first, second = overlaps[0]
        raise CheckFailed(
            "main() asked for several animals at the same time.",
            expected="each request sent after the previous answer came back",
            actual=f"{second.path} arrived while {first.path} was still being answered",
            advice="this warmup is the slow, sequential version on purpose: ask for each animal "
            "in turn. Doing them all at once is exercise 05, with asyncio.",
        )
