"""Exercise 01: the warmup client, synchronous, with `requests`.

A blocking client cannot be served by a server on its own thread's event loop, and virtual time
cannot make a blocking socket wait shorter, so the farm is served from a thread of the child with
short *real* delays, and the student's BASE_URL points at it.

Every check is judged (graders/kit/scenarios.py): the parent draws the farms and calls
(graders/suites/models/warmup.py: made-up animals with their lines, error statuses, odd delays,
repeats, no animal at all), the child serves each farm, runs the student's call and reports what
it returned or raised, printed and asked the farm for, and when; the parent judges that against
the contract.

Robust under load: no verdict here depends on how fast the machine is. Results are values, lines
and exceptions. "One after another" is read from the farm's log, not from a stopwatch: a request
that arrives before the previous one was answered overlaps it (models/warmup.py says why short
delays are enough). The delays are real time, so only main's calls have any, where answers must
come back in another order than asked or overlap: the whole exercise waits about a tenth of a
second in the farm. main_is_sequential judges the calls of main_prints_and_returns_lines (one
draw, run once), whose first animal the farm holds longest.

The child opens one farm, on first use, and keeps it for every scenario of every check: each
scenario gives it its own table of replies and an empty log. A thread and a server started for
each scenario would cost more than the scenario itself.

requests and the farm's server are imported where the checks use them (`SUITE.child_imports`):
the parent imports this module only to read the checks, and judges with the model alone. The
farm is the standard library's server (graders/farm/threaded.py), not aiohttp's: nothing else of
01 needs aiohttp, and its import was a sixth of a second of every grading.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graders.farm.clients import (
    aimed_at,
    calls_at_import,
    error_seen,
    observed_visits,
    wrong_requests,
)
from graders.farm.herds import path_of, replies_of
from graders.farm.records import Reply, RunningFarm
from graders.kit import (
    CheckContext,
    Ran,
    Scenario,
    Suite,
    code_key,
    observed,
    observed_once,
    observed_printed,
    replaced,
    run_student,
)
from graders.suites.models.warmup import (
    judge_given_session,
    judge_main_lines,
    judge_one_session,
    judge_sequential,
    judge_speak_error,
    judge_speak_line,
    judge_url,
    sample_errors,
    sample_given_session,
    sample_main_lines,
    sample_speak_lines,
)

if TYPE_CHECKING:
    import requests

SUITE = Suite(child_imports=("requests", "graders.farm.threaded"))


class ChildsFarm:
    """The one farm of this child, opened on first use and kept until the child ends: each
    scenario gives it its own table and an empty log."""

    def __init__(self) -> None:
        self.table: dict[str, Reply] = {}
        self._kept = contextlib.ExitStack()  # kept, never closed: the child's exit ends it
        self.farm: RunningFarm | None = None

    def serving(self, scenario: Scenario) -> RunningFarm:
        if self.farm is None:
            from graders.farm.threaded import farm_in_thread

            self.farm = self._kept.enter_context(farm_in_thread(replies=self.table))
        self.table.clear()
        self.table.update(replies_of(scenario["farm"]))
        self.farm.log.visits.clear()
        return self.farm


FARM = ChildsFarm()


@contextlib.contextmanager
def sessions_recorded() -> Iterator[list[tuple[requests.Session, str]]]:
    """Every request sent through any requests.Session (requests.get makes one of its own), with
    the session that sent it. Recorded at Session.send, which every way of asking goes through
    (session.get, session.request, session.send of a prepared request). Sessions are kept, so
    that no two share an id()."""
    import requests

    made: list[tuple[requests.Session, str]] = []
    original = requests.Session.send

    def send(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        made.append((self, str(request.url)))
        return original(self, request, **kwargs)

    with replaced(requests.Session, "send", send):
        yield made


def session_numbers(made: list[tuple[requests.Session, str]],
                    given: requests.Session | None = None) -> list[Any]:
    """Which session sent each request: "given" for `given`, else 1, 2, ... in order of use."""
    numbers: dict[int, int] = {}
    return ["given" if session is given else numbers.setdefault(id(session), len(numbers) + 1)
            for session, _ in made]


def call_reaching_farm(ctx: CheckContext, farm: RunningFarm, call: str,
                       function: Callable[[], Any], expected_paths: list[str],
                       keep_error: bool = False) -> Ran:
    """Call student code, what it prints recorded; when it fails after asking the farm for the
    wrong thing (or could not reach it), say that first. With `keep_error`, an exception of the
    student's own is kept in the run instead, for the parent to judge."""
    import requests

    ran = run_student(ctx, call, function, virtual=False, keep_failure=True)
    failure = ran.failure
    if failure is None:
        return ran
    error = ran.error
    if keep_error and isinstance(error, Exception) and not isinstance(error, NotImplementedError):
        return ran
    missed = not farm.log.visits and isinstance(error, requests.ConnectionError)
    if farm.log.visits or missed:
        wrong = wrong_requests(farm.log, expected_paths, call)
        if wrong is not None:
            wrong.details = failure.render()
            raise wrong from failure
    raise failure


def on_farm(ctx: CheckContext, scenario: Scenario, function: Callable[[], Any],
            expected_paths: list[str], keep_error: bool = False
            ) -> tuple[Ran, list[list[Any]], list[Any]]:
    """The student's call on the scenario's farm: the run, the farm's log as plain JSON (times
    in real seconds from the call) and the sessions each request went through."""
    farm = FARM.serving(scenario)
    with aimed_at(ctx.module, farm), sessions_recorded() as made:
        start = time.monotonic()  # the farm's loop keeps the same clock
        ran = call_reaching_farm(ctx, farm, scenario["call"], function, expected_paths,
                                 keep_error)
    return ran, observed_visits(farm.log, start), session_numbers(made)


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
    import requests

    animal = scenario["animal"]
    base_url = observed(getattr(ctx.module, "BASE_URL", None))  # before the grader's replaces it
    with requests.Session() as session, sessions_recorded() as made:
        ran, visits, _ = on_farm(ctx, scenario, lambda: speak(animal, session),
                                 [path_of(animal)], keep_error)
    return {"value": observed(ran.value), "error": error_seen(ran.error, requests.HTTPError),
            "visits": visits, "sessions": session_numbers(made, session), "base_url": base_url}


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


@SUITE.judged("speak raises requests.HTTPError for every error status", points=2,
              tags=("results",), sample=sample_errors, judge=judge_speak_error)
def speak_raises_on_error_status(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_speak(ctx, scenario, keep_error=True)


# --- main ----------------------------------------------------------------------------------------


def observe_main(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    """main(animals) on the scenario's farm: what it returned, printed and asked (and when),
    through which sessions; for the scenario marked so, what the module ran at import.
    Run once for the checks that share a draw, each judging its part."""
    main = ctx.function("main")
    return observed_once(("main", code_key(main), scenario),
                         lambda: main_on_farm(ctx, main, scenario))


def main_on_farm(ctx: CheckContext, main: Any, scenario: Scenario) -> dict[str, Any]:
    animals = scenario["animals"]
    asked = ["cow", "pig", "chicken"] if animals is None else animals
    ran, visits, sessions = on_farm(
        ctx, scenario, (lambda: main()) if animals is None else (lambda: main(tuple(animals))),
        [path_of(animal) for animal in asked])
    at_import = (calls_at_import(Path(ctx.module.__file__ or ctx.main_file))
                 if scenario.get("import") else [])
    return {"value": observed(ran.value), "printed": observed_printed(ran.printed),
            "visits": visits, "sessions": sessions, "at_import": at_import}


@SUITE.judged("main prints and returns every line, in the order given, only when called",
              points=2, tags=("results",), sample=sample_main_lines, judge=judge_main_lines,
              draw="main_prints_and_returns_lines")
def main_prints_and_returns_lines(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_main(ctx, scenario)


@SUITE.judged("main uses one session for every animal", points=1, tags=("results",),
              sample=sample_main_lines, judge=judge_one_session,
              draw="main_prints_and_returns_lines")
def main_uses_one_session(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_main(ctx, scenario)


@SUITE.judged("main asks for one animal after another", points=1, tags=("timing",),
              sample=sample_main_lines, judge=judge_sequential,
              draw="main_prints_and_returns_lines")
def main_is_sequential(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_main(ctx, scenario)


