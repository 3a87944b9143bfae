"""Virtual time: the tutorial's real delays (3 s squares, 5 s animals) in milliseconds.

Coroutines run on a `looptime` event loop, whose clock jumps to the next timer whenever nothing is
ready to run. Durations are read from that clock. A check needs both bounds: work that overlaps too
little takes too long, and code that blocks (or that replaced asyncio.sleep) takes no virtual time.

For the scheduler of exercise 03, which uses no event loop, `FakeClock` plays the same part.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from graders.kit import watchdog, watched
from graders.kit.checks import CheckFailed


def _import_looptime_without_pytest() -> Any:
    """looptime defines a pytest fixture when it can import pytest, which costs ~0.1 s of every
    grading (parent and child) for nothing: the graders use no fixture. Where pytest is not loaded
    yet, it is hidden for the import only (a None entry makes `import pytest` fail)."""
    if "pytest" in sys.modules:
        import looptime
    else:
        sys.modules["pytest"] = None  # type: ignore[assignment]
        try:
            import looptime
        finally:
            del sys.modules["pytest"]
    return looptime


looptime = _import_looptime_without_pytest()

T = TypeVar("T")

_ASYNCIO_SLEEP = asyncio.sleep
"""asyncio's own sleep, kept when the kit is imported: before any student code runs."""

VIRTUAL_LIMIT = 600.0
"""Virtual seconds a check may run: far beyond any correct answer, so a loop without end stops."""
NOOP_CYCLES = 4
"""Idle turns of the loop before its clock jumps to the next timer (looptime's `noop_cycles`,
42 by default). Each turn is a poll of the loop's sockets, which is what lets a request sent on
loopback in this loop be read before time moves: on Linux the bytes are in the peer's socket when
`send` returns, so the first poll sees them, and 42 polls (a fraction of a millisecond) would not
give a deferred delivery the CPU anyway. At 42 they were a quarter of the checks' CPU (04: 140 of
CPU ms, 105 at 4; 07: 290, 215), for the same verdicts."""


class CoveredTime:
    """Virtual seconds covered since the last reset, by every virtual loop and fake clock."""

    seconds = 0.0

    @classmethod
    def take(cls) -> float:
        """The seconds covered so far, and start counting afresh."""
        seconds, cls.seconds = cls.seconds, 0.0
        return seconds


@contextlib.contextmanager
def virtual_loop(limit: float = VIRTUAL_LIMIT) -> Iterator[asyncio.AbstractEventLoop]:
    """A fresh looptime event loop at virtual time 0, set as current, cleaned up afterwards;
    the watchdog (graders/kit/watchdog.py) watches it for the student's code holding it."""
    loop = looptime.new_event_loop(start=0.0, end=limit, noop_cycles=NOOP_CYCLES)
    asyncio.set_event_loop(loop)
    try:
        with watchdog.watching(loop, watched.student_files()):
            yield loop
    finally:
        CoveredTime.seconds += loop.time()
        _close(loop)
        asyncio.set_event_loop(None)


def _close(loop: asyncio.AbstractEventLoop) -> None:
    # Tasks the student left behind are cancelled, so they cannot print into the next check.
    leftovers = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in leftovers:
        task.cancel()
    with contextlib.suppress(BaseException):
        if leftovers:
            loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()


@dataclass
class Timed:
    """A value with the virtual seconds it took."""

    value: Any
    seconds: float


def run_virtual(
    make_awaitable: Callable[[], Awaitable[T]],
    *,
    call: str,
    limit: float = VIRTUAL_LIMIT,
) -> Timed:
    """Run `make_awaitable()` to the end on a virtual-time loop; `call` names it in messages."""
    with virtual_loop(limit) as loop:
        try:
            value = loop.run_until_complete(_as_coroutine(make_awaitable))
        except looptime.LoopTimeoutError as error:
            raise CheckFailed(
                f"{call} was still running after {limit:.0f} s of virtual time, so it was stopped.",
                expected="it finishes within a few multiples of the tutorial's delays",
                actual="it never finished",
                advice="look for a loop that never ends, or a wait for something that never "
                "happens (a task nobody starts, an event nobody sets).",
            ) from error
        return Timed(value, loop.time())


def too_fast_advice() -> str:
    """What to try when work took less virtual time than its waits: something did not wait."""
    advice = (
        "something did not really wait: a time.sleep, or a wait that is never awaited. Every "
        "wait inside a coroutine is an `await asyncio.sleep(...)`."
    )
    if asyncio.sleep is not _ASYNCIO_SLEEP:
        advice += (
            " Also, asyncio.sleep is not asyncio's own any more: something in your module "
            "replaced it. Leave asyncio.sleep alone."
        )
    return advice


async def _as_coroutine(make_awaitable: Callable[[], Awaitable[T]]) -> T:
    return await make_awaitable()


class ClockPolledTooOften(Exception):
    """Raised by FakeClock when a scheduler polls the clock without ever sleeping."""


@dataclass
class FakeClock:
    """A clock that moves only when `sleep` is called: a scheduler's time, without waiting."""

    now: float = 0.0
    max_polls_between_sleeps: int = 100_000

    def __post_init__(self) -> None:
        self.sleeps: list[float] = []
        self._polls = 0

    def clock(self) -> float:
        self._polls += 1
        if self._polls > self.max_polls_between_sleeps:
            raise ClockPolledTooOften(
                f"the clock was read {self.max_polls_between_sleeps} times in a row without a "
                "sleep: time only passes when the scheduler sleeps"
            )
        return self.now

    def sleep(self, seconds: float) -> None:
        self._polls = 0
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise TypeError(
                f"sleep() needs a number of seconds, and was given {seconds!r}: is that what "
                "a coroutine yielded as its delay?"
            )
        seconds = float(seconds)  # a plain float: the student's number type decides nothing
        if seconds < 0:
            raise ValueError(f"sleep length must be non-negative, got {seconds}")
        self.sleeps.append(seconds)
        self.now += seconds
        CoveredTime.seconds += seconds
