"""time.sleep watched from before the student's modules are imported.

blockbuster (graders/kit/blocking.py) wraps module attributes while a check runs, so a name bound
before that (`from time import sleep`, `pause = time.sleep`, a default argument, a lambda or a
helper kept at import) would keep the real function and block the loop unseen, for real seconds.
The child therefore puts `watched_sleep` in time.sleep once, before the student's code is loaded
(`install`), and every alias binds it:

- on a thread that runs no event loop (a worker thread, a plain program) it is time.sleep;
- called by the student's code on a thread that runs an event loop, it never sleeps: every watch
  then active hears of it (a RuntimeWatch raises and records, as blockbuster does), and it returns
  at once, so that blocking code costs the learner no real time and virtual time shows the rest;
- while a check disarms sleeps (`sleeps_handled_by`, used by sleeps.time_sleep_recorded), it calls
  that check's recorder instead, on any thread, as time.sleep itself does then.

Only time.sleep needs this: the other blocking calls blockbuster knows are methods (of sockets,
locks, files), looked up on their class at every call, so no alias escapes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

_real_sleep = time.sleep
_student_files: set[str] = set()
_listeners: list[Callable[[str], None]] = []
"""Called with the watched function's name when the student's code calls it on a loop."""
_handlers: list[Callable[[Any], None]] = []
"""Stand-ins for every sleep while a check disarms them (the innermost last)."""


def install(student_files: Iterable[str | Path]) -> None:
    """time.sleep becomes the watched one, for calls from these files (before they are loaded)."""
    for name in student_files:
        _student_files.update({str(name), str(Path(name).resolve())})
    time.sleep = watched_sleep  # type: ignore[assignment]


def installed() -> bool:
    return time.sleep is watched_sleep


def student_files() -> frozenset[str]:
    """The student's files, as given to `install` and resolved (none before it)."""
    return frozenset(_student_files)


def watched_sleep(seconds: Any) -> None:
    """time.sleep, except that the student's code never sleeps on an event loop's thread."""
    on_loop = asyncio._get_running_loop() is not None and _called_by_student(sys._getframe(1))
    if on_loop:
        _check_length(seconds)
        for listener in reversed(_listeners):
            listener("time.sleep")  # a watch raises here, as blockbuster does
    if _handlers:
        return _handlers[-1](seconds)
    if on_loop:
        return None
    return _real_sleep(seconds)


def _check_length(seconds: Any) -> None:
    """The errors time.sleep gives for a wrong length, without sleeping."""
    if isinstance(seconds, str | bytes) or not hasattr(type(seconds), "__float__"):
        raise TypeError(f"'{type(seconds).__name__}' object cannot be interpreted as an integer")
    if float(seconds) < 0:
        raise ValueError("sleep length must be non-negative")


def _called_by_student(frame: Any) -> bool:
    while frame is not None:
        if frame.f_code.co_filename in _student_files:
            return True
        frame = frame.f_back
    return False


@contextlib.contextmanager
def calls_reported_to(listener: Callable[[str], None]) -> Iterator[None]:
    """`listener(name)` hears of every watched call the student's code makes on a loop."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


@contextlib.contextmanager
def sleeps_handled_by(handler: Callable[[Any], None]) -> Iterator[None]:
    """Every call of the watched sleep goes to `handler` while this lasts."""
    _handlers.append(handler)
    try:
        yield
    finally:
        _handlers.remove(handler)


UNNAMED_CODE = {
    "<listcomp>": "a list comprehension",
    "<setcomp>": "a set comprehension",
    "<dictcomp>": "a dict comprehension",
    "<genexpr>": "a generator expression",
    "<lambda>": "a lambda",
}
"""Python's own names for code that has none (3.11 runs a comprehension as a function of its
own): internals a learner should not have to read."""


def function_in_words(frame: FrameType) -> str:
    """Where a frame of the student's code is, for the learner: "async def square", or "a list
    comprehension in def main" (unnamed code is named with the function it was called from)."""
    unnamed: list[str] = []
    outer: FrameType | None = frame
    while outer is not None and outer.f_code.co_name in UNNAMED_CODE:
        unnamed.append(UNNAMED_CODE[outer.f_code.co_name])
        outer = outer.f_back
    if outer is None or outer.f_code.co_name == "<module>":
        named = "the module's top level"
    else:
        kind = "async def" if outer.f_code.co_flags & inspect.CO_COROUTINE else "def"
        named = f"{kind} {outer.f_code.co_name}"
    return " in ".join([*unnamed, named])
