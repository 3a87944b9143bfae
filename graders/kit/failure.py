"""A failed check as a value, kept in its parts from the check that raised it to every renderer.

`CheckFailed` (graders/kit/checks.py) builds a Failure in the child; the engine carries it over the
results pipe to the parent, which adds what only it knows (that the check was stopped, where the
code was, which earlier failures this one builds on); the text report, the terminal's colours,
the JSON results and the notebooks all render from these fields. Nothing reads the rendered text
back: a renderer that needs to know something asks the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Stopped = Literal["", "hang", "exit", "processes", "disk"]
STOPPED_HERE = "When it was stopped, it was here (the last line is where your code was):"
LABEL_WIDTH = len("expected: ")
"""The column where a labelled part's text starts."""


@dataclass(frozen=True)
class Frame:
    """A line of code the failure points at: the student's own, or the check's call into it."""

    file: str
    """The file's name, without its folder ("byhand.py")."""
    line: int
    function: str
    code: str = ""
    """The text of that line, stripped; empty when it could not be read."""

    def render(self) -> str:
        code = f": {self.code}" if self.code else ""
        return f"at {self.file}:{self.line} in {self.function}{code}"


@dataclass(frozen=True)
class Failure:
    """Why a check failed, in the parts every message is made of."""

    summary: str
    """What went wrong, first: the call and its arguments, and the cause when it is known."""
    expected: str | None = None
    """What right code gives."""
    actual: str | None = None
    """What the student's code gave."""
    details: str | None = None
    """More to read (a list of calls, a difference), shown as it is."""
    where: tuple[Frame, ...] = ()
    """The lines of the student's code it points at, outermost first."""
    why: str | None = None
    """Why it matters at this step of the tutorial."""
    advice: str | None = None
    """What to try, without writing the solution."""
    notes: tuple[str, ...] = ()
    """Lines gathered while the check ran: a warning Python gave, memory that ran out."""
    not_written_yet: bool = False
    """The part still raises NotImplementedError: it is its own cause, whatever it builds on."""
    stopped: Stopped = ""
    """Set by the parent when the check did not end by itself: it hung, exited early, started
    too many processes, or filled its working folder."""
    builds_on: tuple[str, ...] = ()
    """Set by the parent: the earlier checks this one builds on that failed too, to fix first."""

    def parts(self) -> list[tuple[str, str]]:
        """The failure's lines, each with what it is: "summary", a label ("expected", "actual",
        "why", "try", "first"), "details", "where" or "note"."""
        parts = [("summary", self.summary.rstrip())]
        if self.expected is not None:
            parts.append(("expected", self.expected))
        if self.actual is not None:
            parts.append(("actual", self.actual))
        if self.details:
            parts.append(("details", self.details.rstrip()))
        if self.where and self.stopped:
            parts.append(("where", STOPPED_HERE))
        parts.extend(("where", f"  {frame.render()}") for frame in self.where)
        if self.why:
            parts.append(("why", self.why))
        if self.advice:
            parts.append(("try", self.advice))
        parts.extend(("note", note) for note in self.notes)
        if self.builds_on and not self.not_written_yet:
            named = " and ".join(f"“{name}”" for name in self.builds_on)
            parts.append(("first", f"this check builds on {named}, which failed too: fixing "
                          "that may fix this."))
        return parts

    def headline(self) -> str:
        """The summary alone: its first line, and the line it announces if it ends in ':'."""
        lines = self.summary.strip().splitlines() or [""]
        return "\n".join(lines[:2] if lines[0].endswith(":") else lines[:1])

    def render(self) -> str:
        return "\n".join(labelled(label, text) if label in LABELS else text
                         for label, text in self.parts())


LABELS = ("expected", "actual", "why", "try", "first")
"""The parts shown after a label, their text in one column."""


def labelled(label: str, text: str) -> str:
    pad = " " * LABEL_WIDTH
    first, *rest = text.rstrip().splitlines() or [""]
    return "\n".join([f"{label + ':':<{LABEL_WIDTH}}{first}", *(pad + line for line in rest)])
