"""A watchdog on a check's event loop: the student's code holding it, however it got there.

blockbuster and the watched sleep (graders/kit/watched.py) know blocking calls by name. Code can
hold the loop in other ways no list names: a busy loop on the real clock, a lock, a queue, select,
a blocking client, in a helper or another module. The watchdog judges by what happens instead.
While a check's loop runs, it notes when the loop last came back from waiting for events (its
selector's select): from then on the loop is running callbacks, which correct code does for
microseconds between two awaits. A thread looks every POLL_SECONDS; when the loop has run
callbacks for HELD_SECONDS of real time, or HELD_CPU_SECONDS of its thread's CPU, with one of the
student's files on the loop thread's stack (sys._current_frames()), the student's innermost line
there is where the loop is held. The watchdog then

- tells every listener (a RuntimeWatch records it as a blocking call, with the line);
- interrupts the loop's thread, when it is the main thread, with a signal whose handler raises
  LoopHeld in the student's code, so that the learner never waits for the hold to end;
- and ends the loop's run: its next select raises LoopHeld, so that the check judges a run that
  blocked, not the coroutines the exception happened to leave behind.

Two bounds, because a loaded grading machine stretches real time but not CPU time: a busy loop
burns CPU and is stopped soon; a call that sleeps in the kernel burns none, and only a long real
hold (far beyond anything a slow machine does to a correct callback) counts. Under looptime the
loop's own clock is virtual: everything here is measured with time.perf_counter and the thread's
CPU clock.
"""

from __future__ import annotations

import contextlib
import inspect
import linecache
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from types import FrameType
from typing import Any

from graders.kit.checks import CheckFailed

HOLD_ADVICE = ("an await of what really waits (asyncio.sleep, an aiohttp call, an asyncio.Event), "
               "or the slow work handed to a thread (asyncio.to_thread)")
POLL_SECONDS = 0.05
ENDING_POLL_SECONDS = 0.002
HELD_SECONDS = 2.0
"""Real seconds of callbacks without a wait for events: a hold, whatever the machine's load."""
HELD_CPU_SECONDS = 0.25
"""CPU seconds of the loop's thread without a wait for events: a busy loop."""
KNOWN_HOLD_SECONDS = 0.02
"""Seconds after which a line that has held the loop before is taken to hold it again."""
INTERRUPT = getattr(signal, "SIGUSR2", None)
"""The signal that interrupts the loop's thread; where Python has none (Windows), a hold is
recorded and ends the loop's run when the student's code gives control back, and the parent's
wall-clock limit stops code that never does."""
_thread_cpu_clock = getattr(time, "pthread_getcpuclockid", None)
"""Another thread's CPU clock; where Python has none, holds are judged by real time alone."""


class LoopHeld(CheckFailed):
    """Raised in the student's code, and then out of the loop, when it held the event loop: a
    failure that says so by itself, wherever it ends a check (a handler's error, a check's run)."""

    def __init__(self, hold: Hold) -> None:
        super().__init__(
            hold.describe(),
            why="While a coroutine holds the event loop, nothing else runs: no other coroutine, "
            "no timer, no server's answer. Every wait in a coroutine must be an await.",
            advice="make every wait an await of what really waits (asyncio.sleep, an aiohttp "
            "call, an asyncio.Event), or hand the slow work to a thread (asyncio.to_thread).",
        )
        self.hold = hold


@dataclass(frozen=True)
class Hold:
    """The event loop held by the student's code."""

    seconds: float
    """Real seconds the loop had been running callbacks when the watchdog looked."""
    file: str
    line: int
    function: str
    code: str
    in_coroutine: bool

    def describe(self) -> str:
        kind = "async def" if self.in_coroutine else "def"
        return (f"Your code held the event loop for {self.seconds:.1f} s of real time without "
                f"awaiting anything, at {self.file}:{self.line} {self.code} inside {kind} "
                f"{self.function}.")


_listeners: list[Callable[[Hold], None]] = []
_places_held: dict[tuple[str, int], float] = {}
"""(file, line) of every hold found in this process, with the longest it held the loop."""
_firing: list[_LoopWatch] = []
"""The watch whose interrupt is on its way to the main thread."""


@contextlib.contextmanager
def holds_reported_to(listener: Callable[[Hold], None]) -> Iterator[None]:
    """`listener(hold)` hears of every hold while this lasts (called from the watchdog's thread)."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


@contextlib.contextmanager
def watching(loop: Any, student_files: Collection[str]) -> Iterator[None]:
    """Watch `loop`, run by this thread, for holds in `student_files` while this lasts."""
    selector = getattr(loop, "_selector", None)
    if not student_files or selector is None:
        yield
        return
    watch = _LoopWatch(selector, frozenset(student_files))
    watch.start()
    try:
        yield
    finally:
        watch.stop()


class _LoopWatch:
    def __init__(self, selector: Any, student_files: frozenset[str]) -> None:
        self._selector = selector
        self._files = student_files
        self._thread = threading.get_ident()
        self._cpu_clock = _thread_cpu_clock(self._thread) if _thread_cpu_clock else None
        self._busy_since: tuple[float, float] | None = None  # until the loop first runs
        self._ending: Hold | None = None
        """Set once a hold is found: the loop's next select raises LoopHeld with it."""
        self._can_interrupt = _interrupt_ready()

    def _now(self) -> tuple[float, float]:
        cpu = time.clock_gettime(self._cpu_clock) if self._cpu_clock is not None else 0.0
        return time.perf_counter(), cpu

    def start(self) -> None:
        real_select = self._selector.select

        def select(timeout: float | None = None) -> Any:
            self._busy_since = None  # waiting for events: the loop is not held
            try:
                return real_select(timeout)
            finally:
                self._busy_since = self._now()
                ending, self._ending = self._ending, None
                if ending is not None:
                    raise LoopHeld(ending)

        self._real_select = real_select
        self._selector.select = select
        _watched.add(self)
        _watchdog.wake()

    def stop(self) -> None:
        _watched.discard(self)
        self._selector.select = self._real_select
        with contextlib.suppress(ValueError):
            _firing.remove(self)

    @property
    def poll_seconds(self) -> float:
        return ENDING_POLL_SECONDS if self._ending else POLL_SECONDS

    def look(self) -> None:
        """One look of the watchdog's thread at this loop: is the student's code holding it?"""
        since = self._busy_since
        if since is None:
            return
        now = self._now()
        held, cpu = now[0] - since[0], now[1] - since[1]
        if not self._ending and max(held, cpu) < KNOWN_HOLD_SECONDS:
            return
        hold = self._hold(held)
        if hold is None or self._busy_since is not since:
            return  # not the student's code, or the loop moved on meanwhile
        # Once the loop was held, its run is over: the student's code that still runs
        # before the next select (the other callbacks of the same turn, each perhaps a busy
        # loop of its own) is interrupted at once; so is a line already seen holding it.
        if not (self._ending or (hold.file, hold.line) in _places_held
                or held >= HELD_SECONDS or cpu >= HELD_CPU_SECONDS):
            return
        place = (hold.file, hold.line)
        _places_held[place] = max(_places_held.get(place, 0.0), held)
        self._busy_since = now  # a hold that goes on is reported again, a bound later
        self._report(replace(hold, seconds=_places_held[place]))

    def _hold(self, seconds: float) -> Hold | None:
        frame = _innermost_in(sys._current_frames().get(self._thread), self._files)
        if frame is None:
            return None
        path = frame.f_code.co_filename
        return Hold(seconds, Path(path).name, frame.f_lineno, frame.f_code.co_name,
                    linecache.getline(path, frame.f_lineno).strip(),
                    bool(frame.f_code.co_flags & inspect.CO_COROUTINE))

    def _report(self, hold: Hold) -> None:
        for listener in list(_listeners):
            listener(hold)
        self._ending = hold
        if self._can_interrupt and self._thread == threading.main_thread().ident:
            _firing[:] = [self]
            signal.pthread_kill(self._thread, INTERRUPT)

    def interrupt_here(self, frame: FrameType | None) -> Hold | None:
        """What to raise in the main thread, where the signal landed, or None."""
        if self._ending is None or _innermost_in(frame, self._files) is None:
            return None  # the hold ended by itself: the next select ends the run
        return self._ending


_watched: set[_LoopWatch] = set()
"""The loops watched now, each by the `watching` block around its run."""


class _Watchdog:
    """One thread a process, started on the first watch and kept: a run of student code costs
    no thread's start (a check runs many), and between runs the thread waits without polling."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active = threading.Event()
        self._started_in: int | None = None

    def wake(self) -> None:
        with self._lock:
            if self._started_in != _getpid():  # never started, or this is a fork's child
                self._started_in = _getpid()
                self._active = threading.Event()
                threading.Thread(target=self._run, name="awaitlings-watchdog",
                                 daemon=True).start()
        self._active.set()

    def _run(self) -> None:
        pause = threading.Event()  # never set: its wait is a sleep nobody's patch can reach
        while True:
            watches = list(_watched)
            if not watches:
                self._active.clear()
                if not _watched:  # a watch that began meanwhile set the event after it
                    self._active.wait()
                continue
            pause.wait(min(watch.poll_seconds for watch in watches))
            for watch in watches:
                if watch in _watched:
                    with contextlib.suppress(Exception):  # a frame gone meanwhile
                        watch.look()


_getpid = os.getpid
_watchdog = _Watchdog()


def _innermost_in(frame: FrameType | None, files: frozenset[str]) -> FrameType | None:
    while frame is not None:
        if frame.f_code.co_filename in files:
            return frame
        frame = frame.f_back
    return None


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    watch = _firing.pop() if _firing else None
    hold = watch.interrupt_here(frame) if watch is not None else None
    if hold is not None:
        raise LoopHeld(hold)


def _interrupt_ready() -> bool:
    """The interrupt's handler, installed once, from the main thread only."""
    if INTERRUPT is None or not hasattr(signal, "pthread_kill"):
        return False
    if signal.getsignal(INTERRUPT) is _on_interrupt:
        return True
    if threading.current_thread() is not threading.main_thread():
        return False
    signal.signal(INTERRUPT, _on_interrupt)
    return True
