"""What the graders of the farm's clients (exercises 01 and 05) share.

Both point the student's `BASE_URL` at the grader's own farm, which knows the animals of the
scenario drawn (graders/farm/herds.py), and read the farm's log to say what the client really
asked for when its answer is wrong. The log travels from the child to the parent as plain JSON
(`observed_visits`, `log_from`), where the judges of graders/suites/models/farmclients.py read it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from graders.farm.records import FARM, FarmLog, RunningFarm, Visit
from graders.kit import CheckFailed, import_calls, observed

GRADING_ANIMALS: dict[str, str] = {**FARM, "fox": "Ring-ding-ding!"}
"""The farm of 05's blocking check, which judges no line: the tutorial's animals and one more."""


def paths_for(animals: Sequence[str]) -> list[str]:
    return [f"/animals/{animal}" for animal in animals]


def check_base_url(base_url: object, file: str) -> None:
    """BASE_URL as observed (the module's value, or None) is the farm's /animals URL, without a
    trailing slash; in the parent, on what the child reported."""
    if not isinstance(base_url, str):
        raise CheckFailed(
            f"{file} has no BASE_URL string.",
            expected='BASE_URL = "http://127.0.0.1:8080/animals" at the top level',
            actual=repr(base_url),
            advice="keep the BASE_URL constant that the exercise gives you: the grader replaces "
            "it with the address of its own farm while it checks your code.",
        )
    parts = urlsplit(base_url)
    if parts.scheme in ("http", "https") and parts.netloc and parts.path == "/animals":
        return
    if parts.path.endswith("/animals/"):
        advice = (
            "drop the trailing slash: speak adds one '/' between BASE_URL and the animal, and "
            "with both you ask for /animals//cow, a path the farm does not know (the tutorial's "
            "own client has this bug)."
        )
    else:
        advice = "point it at the farm's /animals URL, as `make farm` serves it."
    raise CheckFailed(
        "BASE_URL is not the farm's /animals URL without a trailing slash.",
        expected='"http://127.0.0.1:8080/animals"',
        actual=repr(base_url),
        advice=advice,
    )


NO_PROXY_VARIABLES = ("no_proxy", "NO_PROXY")
LOOPBACK_HOSTS = "127.0.0.1,localhost"


@contextlib.contextmanager
def aimed_at(module: ModuleType, farm: RunningFarm) -> Iterator[None]:
    """The student's BASE_URL points at the grader's farm while this lasts.

    Requests to the farm bypass any proxy: requests (and aiohttp with trust_env=True) would send
    them to the proxy that HTTP_PROXY names on a school's or a CI runner's machine, and even the
    reference solution would never reach the farm.
    """
    saved = getattr(module, "BASE_URL", None)
    saved_env = {name: os.environ.get(name) for name in NO_PROXY_VARIABLES}
    module.BASE_URL = farm.base_url  # type: ignore[attr-defined]
    os.environ.update(dict.fromkeys(NO_PROXY_VARIABLES, LOOPBACK_HOSTS))
    try:
        yield
    finally:
        module.BASE_URL = saved  # type: ignore[attr-defined]
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def wrong_requests(log: FarmLog, expected_paths: Sequence[str], call: str) -> CheckFailed | None:
    """A failure that says what the client asked for, if it is not what it should have asked."""
    asked = log.paths()
    if sorted(asked) == sorted(expected_paths):
        return None
    expected = ", ".join(expected_paths) or "nothing"
    if not asked:
        return CheckFailed(
            f"{call} never reached the grader's farm.",
            expected=f"requests for {expected}",
            actual="the farm received no request at all",
            advice="build each URL from the module's BASE_URL when speak runs: the grader points "
            "BASE_URL at its own farm, so a copy of the URL kept elsewhere (a default argument, "
            "another constant) misses it. And ask every time: what the farm answers is not "
            "known before it answers, so a line kept from an earlier call is not an answer.",
        )
    if any("//" in path for path in asked):
        advice = (
            "a double slash: join BASE_URL and the animal's name with exactly one '/' (BASE_URL "
            "has no trailing slash)."
        )
    elif any(path.startswith("/animals") and not path.startswith("/animals/") for path in asked):
        advice = (
            "the '/' between BASE_URL and the animal's name is missing: BASE_URL has no "
            "trailing slash, so add exactly one."
        )
    elif sorted(path.lower() for path in asked) == sorted(p.lower() for p in expected_paths):
        advice = ("ask for each animal's name exactly as it was given, capitals too: the farm "
                  "knows Cow and cow apart.")
    elif len(asked) > len(expected_paths):
        advice = "ask for each animal once, and only for the animals you were given."
    elif set(asked) == set(expected_paths):
        advice = ("an animal given more than once was asked for fewer times: ask for every "
                  "animal given, repeats too, each time (what the farm answers is its to say).")
    else:
        advice = "ask for {BASE_URL}/{animal}, once for each animal you were given."
    return CheckFailed(
        f"{call} did not ask the farm for what it should have.",
        expected=expected,
        actual=log.describe(),
        advice=advice,
    )


def observed_visits(log: FarmLog, start: float = 0.0) -> list[list[Any]]:
    """What the farm was asked, as plain JSON: [path, sent, status, arrived, answered,
    connection] for each request in arrival order, times from `start` (None: never answered)."""
    return [[visit.path[:300], visit.sent[:600], visit.status, round(visit.arrived - start, 6),
             None if visit.answered is None else round(visit.answered - start, 6),
             visit.connection] for visit in log.visits[:MAX_VISITS]]


def log_from(visits: Any) -> FarmLog:
    """The farm's log again, in the parent, from what the child observed."""
    return FarmLog([Visit(path=str(path), arrived=float(arrived), connection=int(connection),
                          status=int(status), answered=None if answered is None
                          else float(answered), sent=str(sent))
                    for path, sent, status, arrived, answered, connection in visits])


def error_seen(error: BaseException | None, wanted: type[BaseException]) -> dict[str, Any] | None:
    """The student's exception as plain JSON: its type's name and message, whether it is the
    contract's `wanted` error (by its type's own classes, not by what it says of itself) and its
    status, if it has one."""
    if error is None:
        return None
    status = getattr(error, "status", None)
    return {"type": type(error).__name__, "message": observed(error)["message"],
            "wanted": wanted in type(error).__mro__,
            "status": status if type(status) is int else None}


MAX_VISITS = 400
"""Requests an observation keeps: four times the largest crowd, so that a client that asks too
often is still seen doing so."""


PROGRAM_FUNCTIONS = frozenset({"main", "speak", "asyncio.run"})
"""The calls that run the program: the contract's functions that ask the farm, and asyncio.run."""


def calls_at_import(path: Path) -> list[str]:
    """The lines of a module's top level under which its program ran (main or speak, however
    indirectly, or asyncio.run) while the grader imported it. Taken from what happened during the
    import (graders/kit/atimport.py), not from how the code reads: a program behind any guard
    (`if __name__ == "__main__":`, `match __name__:`) that did not run is fine, and one that ran
    is found even when it happened to succeed or its error was swallowed. A helper of the
    module's own called at the top level (HEADERS = make_headers()) is fine."""
    found: dict[int, str] = {}
    for call in import_calls(path):
        if call.function in PROGRAM_FUNCTIONS:
            found.setdefault(call.line, f"line {call.line}: {call.code}")
    return [found[line] for line in sorted(found)]


