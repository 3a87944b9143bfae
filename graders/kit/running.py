"""One way to run student code in a check: `run_student(ctx, call, make, ...)`.

Every suite needs the same few things around a call of the student's code, and used to wrap them
each in its own way: virtual time (a fresh looptime loop, or a plain call for code that takes a
fake clock), what the code prints recorded with its times, blocking calls watched, time.sleep
disarmed, things replaced meanwhile and put back, and an exception turned into a failure that
names the call and the student's line (`CheckContext.call`). `run_student` does all of it, in
that order of nesting, and answers with a `Ran`: what came back and everything observed.

A run that blocked the event loop cannot be judged on its timing nor, often, on its results (the
blocking call raised inside the student's code): given a `blocking_lesson`, such a run fails with
its blocking calls listed, before any other failure it met.

Stand-ins for things the student's code calls (`StandIn`) and counters of what is running
(`Counting`) are the usual values to replace meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import linecache
import sys
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from graders.kit.blocking import BlockingCall
from graders.kit.capture import PrintedLine, SpinGuard, recording_stdout
from graders.kit.checks import CheckFailed
from graders.kit.context import CheckContext, fail_on_blocking_calls, observed_blocking
from graders.kit.sleeps import TimeSleepCall, real_clock_recorded, time_sleep_recorded
from graders.kit.vtime import VIRTUAL_LIMIT, CoveredTime, run_virtual, virtual_loop

Replacement = tuple[Any, str, Any]
"""(where, name, value): `where.name` is `value` while the student's code runs."""


@dataclass
class Ran:
    """What one run of the student's code gave, and what was seen meanwhile."""

    value: Any = None
    seconds: float = 0.0
    """Virtual seconds the run took (0 for a plain call: its own fake clock says more)."""
    printed: list[PrintedLine] = field(default_factory=list)
    blocking: list[BlockingCall] = field(default_factory=list)
    """Blocking calls made on the event loop's thread from the student's modules (when watched)."""
    slept: list[TimeSleepCall] = field(default_factory=list)
    """Calls of time.sleep, which returned at once (when disarmed)."""
    clock_reads: list[str] = field(default_factory=list)
    """The student's lines that read the real clock (when recorded)."""
    failure: CheckFailed | None = None
    """The failure the run met, when `keep_failure` kept it instead of raising it."""

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.printed]

    @property
    def error(self) -> BaseException | None:
        """The student's own exception behind the failure, if the failure came from one."""
        return self.failure.__cause__ if self.failure is not None else None


def run_student(
    ctx: CheckContext,
    call: str,
    make: Callable[[], Any],
    *,
    virtual: bool = True,
    clock: Callable[[], float | None] | None = None,
    watch_blocking: bool | tuple[str, ...] = False,
    blocking_lesson: str | None = None,
    disarm_sleep: bool = False,
    record_clock_reads: bool = False,
    replacing: Iterable[Replacement] = (),
    keep_failure: bool = False,
    echo: bool = True,
    limit: float = VIRTUAL_LIMIT,
) -> Ran:
    """Run `make()` for a check; `call` names it in every message.

    - virtual: `make()` gives an awaitable, run to its end on a fresh virtual-time loop; else
      `make()` is called as it is (code that takes the grader's fake clock, or plain code).
    - clock: the time printed lines are noted with; by default the running loop's, with a guard
      against code that prints on and on while virtual time stands still.
    - watch_blocking: watch for blocking calls on the loop's thread (True, or an empty tuple:
      every call blockbuster knows; a tuple: only names with these prefixes, "socket." for the
      network alone).
    - blocking_lesson: fail with the blocking calls seen, and this lesson, if there were any.
    - disarm_sleep: time.sleep returns at once and is noted; record_clock_reads: the student's
      reads of the real clock are noted.
    - replacing: (where, name, value) replaced meanwhile, and put back afterwards.
    - keep_failure: a failure is kept in `Ran.failure` instead of raised.
    - echo: what was printed is printed again afterwards, for the output shown with a failure.
    """
    ran = Ran()
    with contextlib.ExitStack() as stack:
        for where, name, value in replacing:
            stack.enter_context(replaced(where, name, value))
        if disarm_sleep:
            ran.slept = stack.enter_context(time_sleep_recorded(ctx))
        if record_clock_reads:
            ran.clock_reads = stack.enter_context(real_clock_recorded(ctx))
        recorder = stack.enter_context(recording_stdout(clock or SpinGuard()))
        if watch_blocking is not False:
            only = () if watch_blocking is True else watch_blocking
            ran.blocking = stack.enter_context(ctx.runtime_watch().watching(only)).hits
        covered_before = CoveredTime.seconds
        try:
            if virtual:
                timed = ctx.call(call, lambda: run_virtual(make, call=call, limit=limit))
                ran.value, ran.seconds = timed.value, timed.seconds
            else:
                ran.value = ctx.call(call, make)
        except CheckFailed as failure:
            ran.failure = failure
            if virtual:  # when it failed: the seconds its loop covered before it closed
                ran.seconds = CoveredTime.seconds - covered_before
    ran.printed = recorder.lines
    if echo:
        for line in ran.texts:
            print(line)
        if recorder.dropped_lines:
            print(f"... and {recorder.dropped_lines} more lines, not kept")
    if blocking_lesson is not None:
        fail_on_blocking_calls(
            ran.blocking,
            summary=f"{call} blocked the event loop, so this check cannot judge it.",
            step_lesson=blocking_lesson,
        )
    if ran.failure is not None and not keep_failure:
        raise ran.failure
    return ran


def run_student_forever(ctx: CheckContext, call: str,
                        start: Callable[[asyncio.AbstractEventLoop], Any], *,
                        guard_after: float, **options: Any) -> Ran:
    """`start(loop)` on a fresh virtual-time loop, then `loop.run_forever()`, as a program that
    runs until something stops its loop; the grader stops it `guard_after` virtual seconds in if
    nothing did. `Ran.value` says whether the grader had to, `Ran.seconds` when the loop stopped.
    A task that `start` returned and that failed fails the run, as ctx.call does."""
    stopped_by_grader: list[bool] = []
    with virtual_loop() as loop:

        def guard() -> None:
            stopped_by_grader.append(True)
            loop.stop()

        loop.call_later(guard_after, guard)
        task = ctx.call(f"loop.create_task({call})", lambda: start(loop))
        ran = run_student(ctx, call, loop.run_forever, virtual=False, **options)
        ran.value, ran.seconds = bool(stopped_by_grader), loop.time()
    if isinstance(task, asyncio.Task) and task.done() and not task.cancelled() \
            and task.exception() is not None:
        ctx.call(call, task.result)
    return ran


def observe_blocking_runs(
    ctx: CheckContext,
    runs: Iterable[tuple[str, Callable[[], Any]]],
    *,
    replacing: Callable[[], Iterable[Replacement]] = tuple,
    extra: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A judged blocking check's observation (judged by `blocking_judge`): the student's `async
    def` bodies scanned (`extra` names more calls that block), then every run of `runs` (call,
    make) watched, each with `replacing()` replaced meanwhile; a StandIn among those counts its
    calls on the loop's thread. The runs that are not written yet could not be watched, and are
    noted. The runs' other failures are other checks' business."""
    found = ctx.static_blocking_calls(extra)
    not_written = []
    for call, make in runs:
        replacements = tuple(replacing())
        ran = run_student(ctx, call, make, watch_blocking=True, keep_failure=True, echo=False,
                          replacing=replacements)
        found.extend(ran.blocking)
        for _, _, value in replacements:
            if isinstance(value, StandIn):
                found.extend(value.blocking_calls)
        error = ran.error
        missing = isinstance(error, AttributeError) and getattr(error, "obj", None) is ctx.module
        if isinstance(error, NotImplementedError) or missing:
            not_written.append(call)
    return {"blocking": observed_blocking(found), "not_written": not_written}


@contextlib.contextmanager
def replaced(where: Any, name: str, value: Any) -> Iterator[Any]:
    """`where.name` is `value` for as long as this lasts; then what it was, or nothing."""
    missing = object()
    saved = vars(where).get(name, missing)
    setattr(where, name, value)
    try:
        yield value
    finally:
        if saved is missing:
            with contextlib.suppress(AttributeError):
                delattr(where, name)
        else:
            setattr(where, name, saved)


@dataclass
class Counting:
    """Wraps a coroutine function to know, from any thread, which calls started and how many run."""

    function: Callable[..., Awaitable[Any]]
    started: list[Any] = field(default_factory=list)
    """The first argument of every call, in the order they started."""
    running: int = 0

    def wrapped(self) -> Callable[..., Awaitable[Any]]:
        counting, original = self, self.function

        @functools.wraps(original)
        async def counted(*args: Any, **kwargs: Any) -> Any:
            counting.started.append(args[0] if args else None)
            counting.running += 1
            try:
                return await original(*args, **kwargs)
            finally:
                counting.running -= 1

        return counted


class StandIn:
    """Stands in for a blocking function of the exercise's while a check runs.

    Called on the event loop's thread, it notes the student's line that called it (there, the
    real function would have stopped everything) and answers at once. Called off that thread, it
    answers after `off_loop(*args)`, whose result is kept in `off_loop_notes`.
    """

    def __init__(self, ctx: CheckContext, name: str, answer: Callable[..., Any], *,
                 instead: str = "", off_loop: Callable[..., Any] | None = None) -> None:
        paths = ctx.module_paths
        self._files = {str(path) for path in paths} | {str(path.resolve()) for path in paths}
        self._loop_thread = threading.get_ident()
        self._name, self._answer, self._instead, self._off_loop = name, answer, instead, off_loop
        self.arguments: list[Any] = []
        """The first argument of every call, in any thread."""
        self.off_loop_notes: list[Any] = []
        self._loop_sites: list[tuple[str, int, str]] = []

    def __call__(self, *args: Any) -> Any:
        # No file access in here: blockbuster watches this thread while the student's module is
        # on the stack. The source lines are read afterwards (blocking_calls).
        self.arguments.append(args[0] if args else None)
        if threading.get_ident() == self._loop_thread:
            self._loop_sites.append(self._call_site(sys._getframe(1)))
        elif self._off_loop is not None:
            self.off_loop_notes.append(self._off_loop(*args))
        return self._answer(*args)

    def _call_site(self, frame: FrameType | None) -> tuple[str, int, str]:
        while frame is not None and frame.f_code.co_filename not in self._files:
            frame = frame.f_back
        if frame is None:
            return ("?", 0, "?")
        return (frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)

    @property
    def blocking_calls(self) -> list[BlockingCall]:
        """The calls made on the event loop's thread, with the student's line that made them."""
        return [
            BlockingCall(call=self._name, file=Path(filename).name, line=line, function=function,
                         code=linecache.getline(filename, line).strip(), instead=self._instead)
            for filename, line, function in self._loop_sites
        ]
