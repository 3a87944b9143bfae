"""Recording what student code prints, line by line, with the (virtual) time of each line.

The recorder stands in for sys.stdout during a check. It keeps at most a bounded number of lines
and characters, so code that prints without end cannot exhaust the grader's memory; the lines past
the bound are only counted.

A handle on standard output taken before the check (`from sys import stdout` at import, then
`stdout.write(...)` or `print(..., file=stdout)`) would miss a recorder put in sys.stdout. So the
child installs `StandardOutput` in sys.stdout and sys.__stdout__ before the student's code is
loaded (`route_standard_output`): whatever handle the student's code holds is that one, and it hands
every write to the recorder of the check running then, or to the process's real output.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

MAX_LINES = 5_000
MAX_CHARS = 500_000


@dataclass(frozen=True)
class PrintedLine:
    text: str
    time: float | None
    """When it was printed: the running event loop's time, or the check's own clock, if any."""


def running_loop_time() -> float | None:
    try:
        return asyncio.get_running_loop().time()
    except RuntimeError:
        return None


class OutputRecorder(io.TextIOBase):
    """A write-only text stream that records complete lines with a timestamp."""

    def __init__(self, clock: Callable[[], float | None] = running_loop_time) -> None:
        super().__init__()
        self._clock = clock
        self._partial: list[str] = []
        self._partial_chars = 0
        self._chars = 0
        self.lines: list[PrintedLine] = []
        self.dropped_lines = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        pieces = text.split("\n")
        for piece in pieces[:-1]:
            self._add_partial(piece)
            line = "".join(self._partial)
            # Cleared first, so that a clock that raises leaves no half line behind.
            self._partial, self._partial_chars = [], 0
            self._keep(line)
        if pieces[-1]:
            self._add_partial(pieces[-1])
        return len(text)

    def _add_partial(self, piece: str) -> None:
        # A line that never ends is kept to its first MAX_CHARS characters, not held whole.
        room = MAX_CHARS - self._partial_chars
        if room > 0:
            self._partial.append(piece[:room])
            self._partial_chars += min(len(piece), room)

    def _keep(self, line: str) -> None:
        if len(self.lines) >= MAX_LINES or self._chars + len(line) > MAX_CHARS:
            self.dropped_lines += 1
            return
        self._chars += len(line)
        self.lines.append(PrintedLine(line, self._clock()))

    def flush(self) -> None:
        pass

    def finish(self) -> None:
        """Keep a last line that did not end with a newline."""
        if self._partial:
            self._keep("".join(self._partial))
            self._partial, self._partial_chars = [], 0

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]

    def tail(self, count: int = 15) -> str:
        shown = [line.text for line in self.lines[-count:]]
        if self.dropped_lines:
            shown.append(f"... and {self.dropped_lines} more lines, not kept")
        return "\n".join(shown)


class PrintedWithoutWaiting(Exception):
    """Raised into the student's print() when it prints on and on while virtual time stands."""


@dataclass
class SpinGuard:
    """A clock for the recorder that stops a coroutine printing in a loop that never waits: it
    would hold the event loop (and the grader) until the wall-clock limit."""

    limit: int = 1000
    _time: float | None = None
    _count: int = 0

    def __call__(self) -> float | None:
        now = running_loop_time()
        if now is None or now != self._time:
            self._time, self._count = now, 0
        self._count += 1
        if now is not None and self._count > self.limit:
            raise PrintedWithoutWaiting(
                f"{self.limit} lines printed at {now:.1f} s without the event loop moving on: "
                "a loop that never awaits anything that really waits"
            )
        return now


def printed_as_expected(lines: list[PrintedLine], expected: list[PrintedLine],
                        tolerance: float = 0.05) -> bool:
    """The same texts in the same order, each printed within `tolerance` of its expected time."""
    return len(lines) == len(expected) and all(
        a.text == b.text and a.time is not None and abs(a.time - (b.time or 0)) < tolerance
        for a, b in zip(lines, expected, strict=True)
    )


def describe_printed(lines: list[PrintedLine]) -> str:
    """The lines one a row, each after its time when it has one; "nothing" for none."""
    if not lines:
        return "nothing"
    return "\n".join(
        f"{line.time:5.1f} s  {line.text}" if line.time is not None else f"       {line.text}"
        for line in lines
    )


class StandardOutput:
    """The process's standard output, as the student's code sees it: writes go to the recorder of
    the check running now, or else to the real stream, which answers everything else.

    `write` and `flush` are the target's own bound methods, set whenever the target changes, so
    that a print costs no more than it does straight into the recorder (a flood of prints must
    stay as cheap as before)."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self._recorders: list[OutputRecorder] = []
        self._aim()

    def push(self, recorder: OutputRecorder) -> None:
        self._recorders.append(recorder)
        self._aim()

    def pop(self, recorder: OutputRecorder) -> None:
        self._recorders.remove(recorder)
        self._aim()

    def _aim(self) -> None:
        target = self._recorders[-1] if self._recorders else self._real
        self.write = target.write
        self.flush = target.flush

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # encoding, fileno, isatty, buffer, ...
        return getattr(self._real, name)


_routed: list[StandardOutput] = []
"""The StandardOutput installed, if any."""


def route_standard_output() -> None:
    """sys.stdout and sys.__stdout__ become one StandardOutput, before student code runs."""
    if not _routed:
        _routed.append(StandardOutput(sys.stdout))
    sys.stdout = sys.__stdout__ = _routed[0]  # type: ignore[misc, assignment]


@contextmanager
def recording_stdout(
    clock: Callable[[], float | None] = running_loop_time,
) -> Iterator[OutputRecorder]:
    recorder = OutputRecorder(clock)
    saved = sys.stdout
    # Where standard output is routed, the route itself stands in sys.stdout, so that a handle
    # taken now (`from sys import stdout` while a module is imported) outlives this recording.
    sys.stdout = _routed[0] if _routed else recorder  # type: ignore[assignment]
    for route in _routed:
        route.push(recorder)
    try:
        yield recorder
    finally:
        for route in _routed:
            route.pop(recorder)
        sys.stdout = saved
        recorder.finish()
