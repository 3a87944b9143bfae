"""A picture of time for timing checks: what was printed when, in (virtual) seconds."""

from __future__ import annotations

from collections.abc import Sequence

from graders.capture import PrintedLine

MAX_ROWS = 24


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
