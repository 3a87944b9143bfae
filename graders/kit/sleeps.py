"""time.sleep made harmless while a check runs: every call returns at once and is recorded with
the student's line that made it, so that blocking code never makes the grader wait and can be
named in the message. A sleep bound under another name at import (`from time import sleep`) is
the watched one (graders/kit/watched.py), which hands the call to the same recorder."""

from __future__ import annotations

import contextlib
import linecache
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from graders.kit import watched
from graders.kit.context import CheckContext


@dataclass(frozen=True)
class TimeSleepCall:
    """One call of time.sleep made while a check ran."""

    seconds: Any
    where: str
    """The student's line that made it ("byhand.py:82 time.sleep(3) inside async def square"),
    or "" when no line of the student's files was on the stack."""


@contextlib.contextmanager
def time_sleep_recorded(ctx: CheckContext) -> Iterator[list[TimeSleepCall]]:
    """time.sleep returns at once and notes its argument and caller, for as long as this lasts."""
    calls: list[TimeSleepCall] = []
    mine = {str(path.resolve()) for path in ctx.module_paths}
    real_sleep = time.sleep

    def recorder(seconds: Any) -> None:
        calls.append(TimeSleepCall(seconds, _student_line(sys._getframe(1), mine)))

    time.sleep = recorder  # type: ignore[assignment]
    try:
        with watched.sleeps_handled_by(recorder):  # time.sleep bound under another name too
            yield calls
    finally:
        time.sleep = real_sleep


def _student_line(frame: FrameType | None, mine: set[str]) -> str:
    while frame is not None:
        path = frame.f_code.co_filename
        if str(Path(path).resolve()) in mine:
            code = linecache.getline(path, frame.f_lineno).strip()
            where = watched.function_in_words(frame)
            return f"{Path(path).name}:{frame.f_lineno} {code} inside {where}"
        frame = frame.f_back
    return ""




REAL_CLOCKS = ("monotonic", "time", "perf_counter")
"""The functions of `time` that read the real clock."""


@contextlib.contextmanager
def real_clock_recorded(ctx: CheckContext) -> Iterator[list[str]]:
    """The student's lines that read the real clock (time.monotonic, time.time, ...), each once,
    for as long as this lasts; the clocks still answer as usual."""
    places: list[str] = []
    mine = {str(path.resolve()) for path in ctx.module_paths}
    saved = {name: getattr(time, name) for name in REAL_CLOCKS}

    def recording(real: Any) -> Any:
        def clock() -> float:
            place = _student_line(sys._getframe(1), mine)
            if place and place not in places:
                places.append(place)
            return real()
        return clock

    for name, real in saved.items():
        setattr(time, name, recording(real))
    try:
        yield places
    finally:
        for name, real in saved.items():
            setattr(time, name, real)
