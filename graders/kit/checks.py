"""What a check is, what it answers, and how a suite declares its checks.

A suite (graders/suites/<slug>.py) is a list of checks, declared in order with `@suite.check(...)`.
The parent process imports the suite only to read names, points and tags; the functions run in the
child process, where the student's module is loaded.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from graders.kit.failure import Failure, Frame

if TYPE_CHECKING:
    from graders.kit.context import CheckContext

NOT_WRITTEN_YET = "this part is not written yet"
NOTHING_ELSE_OF_YOURS = "nothing else of yours took part in this run"
"""Said by a failure whose run used the grader's own code beside the part checked: no earlier
check's failure can explain it, so it gets no "first:" pointer."""
"""Said by every failure of a part that still raises NotImplementedError."""

Tag = Literal["results", "timing", "blocking"]
TAGS: tuple[Tag, ...] = ("results", "timing", "blocking")


class CheckFailed(Exception):
    """Raised by a check to fail with a message for the learner.

    The message is built from plain parts so that every failure reads the same way: what was
    checked went wrong (summary), what was expected, what happened, why it matters at this step of
    the tutorial, and what to try. A check's own `why` (given to `Suite.check`) is used when the
    failure brings none.
    """

    def __init__(
        self,
        summary: str,
        *,
        expected: str | None = None,
        actual: str | None = None,
        advice: str | None = None,
        details: str | None = None,
        why: str | None = None,
        where: tuple[Frame, ...] = (),
        not_written_yet: bool = False,
        timeline: str = "",
    ) -> None:
        super().__init__(summary)
        self.timeline = timeline
        """A picture of what ran when, raised by a judge in the parent (a check in the child sets
        its context's instead)."""
        self.summary = summary
        self.expected = expected
        self.actual = actual
        self.advice = advice
        self.details = details
        self.why = why
        self.where = where
        self.not_written_yet = not_written_yet

    @property
    def failure(self) -> Failure:
        """The failure as a value, which travels to the parent and every renderer."""
        return Failure(
            summary=self.summary, expected=self.expected, actual=self.actual,
            details=self.details, where=self.where, why=self.why, advice=self.advice,
            not_written_yet=self.not_written_yet,
        )

    def render(self) -> str:
        return self.failure.render()


class ImportRefused(Exception):
    """Raised by a suite's import guard to stop the student's module from loading.

    Its text says, to the learner, what the module did and what to do instead; the grader shows it
    after the file's name.
    """


CheckFunction = Callable[["CheckContext"], None]
ObserveFunction = Callable[["CheckContext", dict[str, Any]], Any]
"""A judged check's part in the child: one scenario in, plain observations out
(graders/kit/scenarios.py)."""
SampleFunction = Callable[[random.Random], list[dict[str, Any]]]
JudgeFunction = Callable[[dict[str, Any], Any], None]


@dataclass(frozen=True)
class Check:
    """One check of an exercise."""

    name: str
    """What it checks, as a sentence the learner reads ("run_concurrently overlaps sleeps")."""
    points: float
    """The points it is worth when it passes."""
    tags: tuple[Tag, ...]
    """What kind of check it is: results, timing, blocking (at least one)."""
    function: CheckFunction | ObserveFunction
    """Runs in the child process: returns on success, raises CheckFailed (or anything) to fail.
    For a judged check, the observing part: called once a scenario, it returns what it saw."""
    why: str = ""
    """Why it matters at this step of the tutorial, shown by a failure that gives no why itself."""
    needs: tuple[str, ...] = ()
    """Ids of earlier checks whose subject this one relies on: when one of those failed too, the
    failure says to fix that one first."""
    sample: SampleFunction | None = None
    """A judged check's scenarios, drawn in the parent (None for a check the child judges)."""
    judge: JudgeFunction | None = None
    """A judged check's verdict on one scenario's observation, in the parent: raises
    CheckFailed when the observation is not what right code gives."""
    draw: str = ""
    """Whose draw a judged check's scenarios are (by default its own id): checks that name the
    same draw and the same `sample` get the same scenarios, so that one slow run serves them all."""

    @property
    def judged(self) -> bool:
        return self.sample is not None

    @property
    def id(self) -> str:
        """The check's stable name for the pack's own files (`needs=`, variants, hostile cases,
        notebooks, hints): its function's name, so that rewording `name` touches one line."""
        return self.function.__name__


@dataclass
class Suite:
    """The checks of one exercise, in the order they run."""

    checks: list[Check] = field(default_factory=list)
    import_guard: Callable[[], AbstractContextManager[object]] | None = None
    """Wraps the loading of the student's modules in the child (graders.kit.webserve's
    no_server_on_import refuses to start a server at import); None for none."""
    child_imports: tuple[str, ...] = ()
    """Modules only the running checks need (aiohttp, requests, the farm's server), which the
    suite imports where it uses them, so that the parent, which only reads the checks and judges
    what they saw, does without: the child imports them before the student's code runs (and the
    integrity record holds them), the fork server before it forks."""

    def check(
        self, name: str, *, points: float, tags: tuple[Tag, ...], why: str = "",
        needs: tuple[str, ...] = (),
    ) -> Callable[[CheckFunction], CheckFunction]:
        """Declare the decorated function a check, after those declared before it."""
        if not tags or any(tag not in TAGS for tag in tags):
            raise ValueError(f"check {name!r}: tags must be some of {TAGS}, not {tags}")

        def register(function: CheckFunction) -> CheckFunction:
            check = Check(name, points, tags, function, why, tuple(needs))
            earlier = self.ids()
            if check.id in earlier:
                raise ValueError(f"check {name!r}: the id {check.id!r} is taken by an earlier "
                                 "check of this suite: give its function another name")
            unknown = [need for need in needs if need not in earlier]
            if unknown:
                raise ValueError(f"check {name!r}: needs {tuple(unknown)} must be ids of earlier "
                                 f"checks, some of {earlier}")
            self.checks.append(check)
            return function

        return register

    def judged(
        self, name: str, *, points: float, tags: tuple[Tag, ...], sample: SampleFunction,
        judge: JudgeFunction, why: str = "", needs: tuple[str, ...] = (), draw: str = "",
    ) -> Callable[[ObserveFunction], ObserveFunction]:
        """Declare the decorated function the observing part of a judged check: the parent draws
        its scenarios with `sample` and judges each observation with `judge`
        (graders/kit/scenarios.py). Checks with the same `draw` get the same scenarios."""
        def register(function: ObserveFunction) -> ObserveFunction:
            self.check(name, points=points, tags=tags, why=why, needs=needs)(
                function)  # type: ignore[arg-type]
            self.checks[-1] = replace(self.checks[-1], sample=sample, judge=judge, draw=draw)
            return function

        return register

    def ids(self) -> list[str]:
        """The ids of the checks, in order."""
        return [check.id for check in self.checks]


@dataclass
class CheckResult:
    """What a check answered, as the parent reports it."""

    name: str
    points: float
    max_points: float
    passed: bool
    tags: tuple[Tag, ...]
    failure: Failure | None = None
    """Why it failed (None when it passed), for the learner."""
    student_output: str = ""
    """The tail of what the student's code printed during the check, when it matters."""
    timeline: str = ""
    """A picture of what ran when, in virtual seconds, for timing checks."""
    virtual_seconds: float = 0.0
    """How much virtual (or fake-clock) time the check covered; `make bench` reports it."""
    id: str = ""
    """The check's id (`Check.id`), for the pack's own files; `name` is what the learner reads."""

    @property
    def message(self) -> str:
        """The failure as text, as the report shows it; empty when the check passed."""
        return self.failure.render() if self.failure else ""


def point_to_earlier_failures(checks: list[Check], results: list[CheckResult]) -> list[CheckResult]:
    """Add to each failure that may only follow from an earlier one (`Check.needs`) a line that
    says which to fix first: a learner should fix causes, not symptoms. A part not written yet is
    its own cause and gets no such line, and so does a run with only the grader's code beside the
    part checked (NOTHING_ELSE_OF_YOURS)."""
    name_of = {check.id: check.name for check in checks}
    failed = {check.id for check, result in zip(checks, results, strict=True) if not result.passed}
    for check, result in zip(checks, results, strict=True):
        causes = [name_of[need] for need in check.needs if need in failed]
        # (NOTHING_ELSE_OF_YOURS is still a marker in the text: a field of Failure would be better.)
        explained = result.failure is not None and NOTHING_ELSE_OF_YOURS not in result.message
        if explained and causes:
            result.failure = replace(result.failure, builds_on=tuple(causes))
    return results
