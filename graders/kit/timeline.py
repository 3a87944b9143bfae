"""Pictures of time for timing checks: who ran and who waited when, in (virtual) seconds.

A learner whose squares ran one after another instead of together should see it at a glance, next
to the picture of what overlapping code does:

    Your scheduler: 12 s                      Overlapping: 6 s
              0     3     6     9    12                 0     3     6
              ├─────┼─────┼─────┼─────┤                 ├─────┼─────┤
    cube(5)   █░░░░░█░░░░░█               6   cube(5)   █░░░░░█░░░░░█  6
    cube(10)  ▒▒▒▒▒▒▒▒▒▒▒▒█░░░░░█░░░░░█  12   cube(10)  █░░░░░█░░░░░█  6

A `Timeline` is built from timestamped events, whatever produced them:
- explicit spans a suite records (`add_run`, `add_wait`, `add_late`), or `record_span`, which wraps
  an awaitable and notes when it started and finished on the running loop's clock;
- printed lines with their virtual times (`Timeline.from_printed`), grouped into rows by a function
  of the line's text (`row_by_pattern`).

`render_gantt` draws one timeline; `gantt_side_by_side` draws the student's and the expected one
on the same scale. Both give plain text (the JSON results carry it as is); the terminal report
colours the glyphs. `render_printed` and `side_by_side` keep the older list-of-lines picture.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from graders.kit.capture import PrintedLine

T = TypeVar("T")

MAX_ROWS = 24
TOTAL_WIDTH = 74
"""Columns a picture of two timelines may take: with the report's indent, it fits an 80-column
terminal."""
MIN_SIDE_BY_SIDE_BAR = 24
"""Narrower bars than this lose too much detail: the two timelines are stacked instead."""

State = Literal["run", "wait", "late", "early"]
GLYPHS: dict[State, str] = {"run": "█", "wait": "░", "late": "▒", "early": "×"}
"""One glyph per state; a column shows the strongest state it holds (run over late and early over
wait)."""
LEGEND: dict[State, str] = {
    "run": "running",
    "wait": "waiting, as asked",
    "late": "ready, but not resumed",
    "early": "resumed before its wake-up time",
}
_STRENGTH: dict[State, int] = {"wait": 1, "early": 2, "late": 2, "run": 3}
_STEPS = (0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 15, 20, 30, 60, 120, 300, 600)
_TICK_STEPS = (0.1, 0.2, 0.25, 0.5, 1, 2, 3, 5, 10, 15, 20, 30, 60, 120, 300, 600)


@dataclass(frozen=True)
class Span:
    """What one row (a coroutine, a task, a request) did from `start` to `end` seconds."""

    row: str
    start: float
    end: float
    """Equal to start for an instant (a coroutine resumed and gave control back at once)."""
    state: State


@dataclass
class Timeline:
    """Timestamped spans, one row per coroutine, in the order the rows first appear."""

    title: str = ""
    spans: list[Span] = field(default_factory=list)

    def add_run(self, row: str, start: float, end: float | None = None) -> None:
        """The row held control at `start` (an instant) or from `start` to `end`."""
        self.spans.append(Span(row, start, start if end is None else end, "run"))

    def add_wait(self, row: str, start: float, end: float) -> None:
        """The row waited, as it asked to (a sleep, a request in flight)."""
        if end > start:
            self.spans.append(Span(row, start, end, "wait"))

    def add_late(self, row: str, start: float, end: float) -> None:
        """The row could have run but was not resumed: a scheduler that waits wrongly."""
        if end > start:
            self.spans.append(Span(row, start, end, "late"))

    def add_early(self, row: str, start: float, end: float) -> None:
        """The row was resumed at `start` though it had asked to wait until `end`."""
        if end > start:
            self.spans.append(Span(row, start, end, "early"))

    @property
    def rows(self) -> list[str]:
        return list(dict.fromkeys(span.row for span in self.spans))

    @property
    def end(self) -> float:
        # A wait cut short is drawn up to the wake-up time it skipped, but took no time itself.
        return max((span.end for span in self.spans if span.state != "early"), default=0.0)

    def lifetime(self, row: str) -> tuple[float, float]:
        """When the row first ran and when it last did anything."""
        own = [span for span in self.spans if span.row == row]
        runs = [span.start for span in own if span.state == "run"] or [s.start for s in own]
        return min(runs), max(span.end for span in own if span.state != "early")

    def late_spans(self) -> list[Span]:
        return sorted((s for s in self.spans if s.state == "late"), key=lambda s: s.start)

    def early_spans(self) -> list[Span]:
        """The waits cut short: each from the early resume to the wake-up time it skipped."""
        return sorted((s for s in self.spans if s.state == "early"), key=lambda s: s.start)

    def ran_one_after_another(self) -> bool:
        """True when there are several rows and no two of them were alive at the same time."""
        lives = sorted(self.lifetime(row) for row in self.rows)
        if len(lives) < 2:
            return False
        return all(later[0] >= earlier[1] for earlier, later in itertools.pairwise(lives))

    @classmethod
    def from_printed(
        cls,
        lines: Sequence[PrintedLine],
        row_of: Callable[[str], str | None],
        title: str = "",
    ) -> Timeline:
        """Each printed line is an instant its row ran; between two lines of a row, it waited.

        `row_of` names the row of a line's text (None leaves the line out).
        """
        timeline = cls(title)
        last_seen: dict[str, float] = {}
        for line in lines:
            row = row_of(line.text)
            if row is None or line.time is None:
                continue
            if row in last_seen:
                timeline.add_wait(row, last_seen[row], line.time)
            timeline.add_run(row, line.time)
            last_seen[row] = line.time
        return timeline


def row_by_pattern(pattern: str, template: str) -> Callable[[str], str | None]:
    """A row_of for Timeline.from_printed: the first match of `pattern`, formatted by `template`.

    row_by_pattern(r"argument (\\d+)", "cube({0})") puts "Starting square with argument 5!" on the
    row "cube(5)"; lines that do not match are left out.
    """
    compiled = re.compile(pattern)

    def row_of(text: str) -> str | None:
        match = compiled.search(text)
        return template.format(*match.groups()) if match else None

    return row_of


_CALL = re.compile(r"\b([A-Za-z_]\w*)\(([^()]{0,20})\)")
_WITH_ARGUMENT = re.compile(r"\b([A-Za-z_]\w*) with argument (\w+)")


def row_of_call(text: str) -> str | None:
    """A row_of that needs no setup: the call a printed line names ("waiting for square(3)..."
    and "Starting square with argument 3!" are both on the row "square(3)"), or None."""
    match = _CALL.search(text) or _WITH_ARGUMENT.search(text)
    return f"{match.group(1)}({match.group(2)})" if match else None


def printed_picture(lines: Sequence[PrintedLine]) -> str:
    """A picture of time drawn from printed lines alone, for a timing failure that brings none."""
    timeline = Timeline.from_printed(lines, row_of_call, title="What your code printed, by time")
    if len(timeline.rows) < 2:
        return ""
    return render_gantt(timeline) + "\n(rows are the calls named in the lines your code printed)"


async def record_span(timeline: Timeline, row: str, awaitable: Awaitable[T]) -> T:
    """Await `awaitable`, noting on the running loop's clock when it started and finished.

    Under virtual time, running takes no time: the row is drawn as a start, a wait, and an end.
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    timeline.add_run(row, started)
    try:
        return await awaitable
    finally:
        finished = loop.time()
        timeline.add_wait(row, started, finished)
        timeline.add_run(row, finished)


# Drawing


@dataclass(frozen=True)
class _Scale:
    seconds_per_column: float
    columns: int

    def column(self, time: float) -> int:
        return min(self.columns - 1, max(0, math.floor(time / self.seconds_per_column + 1e-9)))


def _scale(end: float, width: int) -> _Scale:
    for step in _STEPS:
        if end / step + 1 <= width:
            return _Scale(step, math.floor(end / step + 1e-9) + 1)
    step = end / (width - 1)
    return _Scale(step, width)


def _bar(timeline: Timeline, row: str, scale: _Scale) -> str:
    cells: list[State | None] = [None] * scale.columns
    for span in timeline.spans:
        if span.row != row:
            continue
        first = scale.column(span.start)
        last = first if span.end <= span.start else max(first, scale.column(span.end) - 1)
        for index in range(first, min(last, scale.columns - 1) + 1):
            held = cells[index]
            if held is None or _STRENGTH[span.state] > _STRENGTH[held]:
                cells[index] = span.state
    return "".join(GLYPHS[cell] if cell else " " for cell in cells)


def _axis(scale: _Scale) -> tuple[str, str]:
    """The seconds above the bars, and the ruler with a tick for each labelled second."""
    end = (scale.columns - 1) * scale.seconds_per_column
    for tick in _TICK_STEPS:
        if tick / scale.seconds_per_column >= 5 or tick >= end:
            break
    labels = [" "] * scale.columns
    ruler = ["─"] * scale.columns
    count = math.floor(end / tick + 1e-9)
    for k in range(count + 1):
        seconds = k * tick
        tick_column = scale.column(seconds)
        text = f"{seconds:g}"
        column = min(tick_column, scale.columns - len(text))  # the last label stays inside
        if all(labels[c] == " " for c in range(max(0, column - 1), column + len(text))):
            labels[column:column + len(text)] = list(text)
        ruler[tick_column] = "┼"
    ruler[0] = "├"
    if ruler[-1] == "┼":
        ruler[-1] = "┤"
    return "".join(labels).rstrip(), "".join(ruler)


def _seconds(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def gantt_lines(
    timeline: Timeline,
    *,
    width: int = 48,
    until: float | None = None,
    label_width: int | None = None,
    finish_times: bool = True,
) -> list[str]:
    """The chart as lines: a title, the axis, then one row per coroutine (with the time it
    finished, unless finish_times is False)."""
    rows = timeline.rows[:MAX_ROWS]
    if not rows:
        return []
    end = max(until or 0.0, timeline.end)
    scale = _scale(end if end > 0 else 1.0, width)
    label_width = label_width or _label_width(rows)
    numbers, ruler = _axis(scale)
    title = timeline.title or "Timeline"
    lines = [f"{title}: {_seconds(timeline.end)} s", " " * label_width + numbers,
             " " * label_width + ruler]
    for row in rows:
        label = row if len(row) <= label_width - 2 else row[: label_width - 3] + "…"
        line = f"{label:<{label_width}}{_bar(timeline, row, scale)}"
        if finish_times:
            finished = _seconds(timeline.lifetime(row)[1])
            line = f"{line:<{label_width + scale.columns}}  {finished:>4} s"
        lines.append(line.rstrip())
    if len(timeline.rows) > len(rows):
        lines.append(f"... and {len(timeline.rows) - len(rows)} more rows")
    return lines


def _label_width(rows: Sequence[str]) -> int:
    return min(14, max((len(row) for row in rows), default=0)) + 2


def legend(*timelines: Timeline) -> str:
    used = {span.state for timeline in timelines for span in timeline.spans}
    return "   ".join(f"{GLYPHS[s]} {LEGEND[s]}" for s in ("run", "wait", "late", "early")
                       if s in used)


def render_gantt(timeline: Timeline, *, width: int = 48) -> str:
    """One timeline as a chart, with its legend, in seconds."""
    lines = gantt_lines(timeline, width=width)
    if not lines:
        return ""
    return "\n".join([*lines, legend(timeline), "(seconds of virtual time)"])


def gantt_side_by_side(yours: Timeline, expected: Timeline, *,
                       total_width: int = TOTAL_WIDTH) -> str:
    """The student's timeline and the expected one, on the same scale: next to each other when
    both fit in `total_width` columns with bars of MIN_SIDE_BY_SIDE_BAR, else one above the
    other, their axes aligned."""
    until = max(yours.end, expected.end)
    label_width = _label_width([*yours.rows, *expected.rows])
    footer = [legend(yours, expected), "(both in seconds of virtual time, on the same scale)"]
    side_bar = (total_width - 4) // 2 - label_width
    if side_bar >= MIN_SIDE_BY_SIDE_BAR:
        left, right = (gantt_lines(timeline, width=side_bar, until=until,
                                   label_width=label_width, finish_times=False)
                       for timeline in (yours, expected))
        if left and right:
            column = max(len(line) for line in left) + 4
            height = max(len(left), len(right))
            left += [""] * (height - len(left))
            right += [""] * (height - len(right))
            rows = [f"{a:<{column}}{b}".rstrip() for a, b in zip(left, right, strict=True)]
            return "\n".join([*rows, *footer])
    stacked_bar = total_width - label_width - 8
    left, right = (gantt_lines(timeline, width=stacked_bar, until=until, label_width=label_width)
                   for timeline in (yours, expected))
    if not left or not right:
        return render_gantt(yours if left else expected)
    return "\n".join([*left, "", *right, *footer])


# The older picture: one line per printed line, with its time.


def render_printed(title: str, lines: Sequence[PrintedLine]) -> str:
    """One row a printed line, its time on the left, so that overlap (or its lack) shows."""
    rows = [line for line in lines if line.time is not None]
    if not rows:
        return ""
    shown = rows[:MAX_ROWS]
    out = [f"{title} (seconds):"]
    out.extend(f"  {line.time:6.1f}  {line.text}" for line in shown)
    if len(rows) > len(shown):
        out.append(f"  ... {len(rows) - len(shown)} more lines")
    return "\n".join(out)


def side_by_side(left_title: str, left: Sequence[PrintedLine],
                 right_title: str, right: Sequence[PrintedLine]) -> str:
    """Two timelines next to each other: the student's and the one expected."""
    left_rows = render_printed(left_title, left).splitlines()
    right_rows = render_printed(right_title, right).splitlines()
    width = max((len(row) for row in left_rows), default=0) + 4
    height = max(len(left_rows), len(right_rows))
    left_rows += [""] * (height - len(left_rows))
    right_rows += [""] * (height - len(right_rows))
    rows = zip(left_rows, right_rows, strict=True)
    return "\n".join(f"{a:<{width}}{b}".rstrip() for a, b in rows)
