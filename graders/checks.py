"""What a check is, what it answers, and how a suite declares its checks.

A suite (graders/suites/<slug>.py) is a list of checks, declared in order with `@suite.check(...)`.
The parent process imports the suite only to read names, points and tags; the functions run in the
child process, where the student's module is loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from graders.context import CheckContext

Tag = Literal["results", "timing", "blocking"]
TAGS: tuple[Tag, ...] = ("results", "timing", "blocking")


class CheckFailed(Exception):
    """Raised by a check to fail with a message for the learner.

    The message is built from plain parts so that every failure reads the same way: what was
    checked went wrong (summary), what was expected, what happened, and what to try.
    """

    def __init__(
        self,
        summary: str,
        *,
        expected: str | None = None,
        actual: str | None = None,
        advice: str | None = None,
        details: str | None = None,
    ) -> None:
        super().__init__(summary)
        self.summary = summary
        self.expected = expected
        self.actual = actual
        self.advice = advice
        self.details = details

    def render(self) -> str:
        lines = [self.summary]
        if self.expected is not None:
            lines.append(_labelled("expected", self.expected))
        if self.actual is not None:
            lines.append(_labelled("actual", self.actual))
        if self.details:
            lines.append(self.details.rstrip())
        if self.advice:
            lines.append(_labelled("try", self.advice))
        return "\n".join(lines)


class ImportRefused(Exception):
    """Raised by a suite's import guard to stop the student's module from loading.

    Its text says, to the learner, what the module did and what to do instead; the grader shows it
    after the file's name.
    """


def _labelled(label: str, text: str) -> str:
    pad = " " * (len("expected: "))
    first, *rest = text.rstrip().splitlines() or [""]
    return "\n".join([f"{label + ':':<10}{first}", *(pad + line for line in rest)])


CheckFunction = Callable[["CheckContext"], None]


@dataclass(frozen=True)
class Check:
    """One check of an exercise."""

    name: str
    """What it checks, as a sentence the learner reads ("run_concurrently overlaps sleeps")."""
    points: float
    """The points it is worth when it passes."""
    tags: tuple[Tag, ...]
    """What kind of check it is: results, timing, blocking (at least one)."""
    function: CheckFunction
    """Runs in the child process: returns on success, raises CheckFailed (or anything) to fail."""


@dataclass
class Suite:
    """The checks of one exercise, in the order they run."""

    checks: list[Check] = field(default_factory=list)
    import_guard: Callable[[], AbstractContextManager[object]] | None = None
    """Wraps the loading of the student's modules in the child (graders.webserve's
    no_server_on_import refuses to start a server at import); None for none."""

    def check(
        self, name: str, *, points: float, tags: tuple[Tag, ...]
    ) -> Callable[[CheckFunction], CheckFunction]:
        if not tags or any(tag not in TAGS for tag in tags):
            raise ValueError(f"check {name!r}: tags must be some of {TAGS}, not {tags}")

        def register(function: CheckFunction) -> CheckFunction:
            self.checks.append(Check(name, points, tags, function))
            return function

        return register


@dataclass
class CheckResult:
    """What a check answered, as the parent reports it."""

    name: str
    points: float
    max_points: float
    passed: bool
    tags: tuple[Tag, ...]
    message: str = ""
    """Why it failed (empty when it passed), for the learner."""
    student_output: str = ""
    """The tail of what the student's code printed during the check, when it matters."""
    timeline: str = ""
    """A picture of what ran when, in virtual seconds, for timing checks."""
