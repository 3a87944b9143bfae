"""The parent side: run an exercise's checks in a child process and decide every verdict.

The child may hang, exit, crash, fork or flood its output; none of that can make a check pass. A
check passes only when the child reported it passed, on its private pipe, with the run's secret
token (written on the child's stdin, so the student's code never sees it in the environment or the
command line). When the child stops answering during a check, that check fails, the child is killed
with every process it started, and a new child goes on with the next check, as long as the
exercise's time budget lasts. As the contract says, a hang or an early exit fails only the check it
happened in; the other checks keep their own verdicts and points. (An import that fails, hangs or
exits fails every check: none of them could run.) Where the child's processes can be counted
(/proc on Linux, a job object on Windows), the parent also kills them when there are too many: the
child refuses forks beyond its limit itself (graders/engine/guard.py), and this count catches what
gets past it. Running one child (its start, its lines, its events, its limits) is graders/engine/
childrun.py; how a child is started, counted and killed on each platform is graders/engine/
processes.py. Children side by side (`lanes`) share one exercise's checks: each takes the next
check not yet taken.
"""

from __future__ import annotations

import contextlib
import importlib.util
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from graders.engine import childrun, messages, sandboxserver, uploads
from graders.engine.lanes import in_lanes
from graders.engine.limits import (
    CHECK_SECONDS,
    EXERCISE_SECONDS,
    IMPORT_SECONDS,
    MAX_PROCESSES,
    MEMORY_BYTES,
    ChildLimits,
)
from graders.engine.processes import Isolation
from graders.engine.protocol import (
    Finished,
    Imported,
    ImportFailed,
    Refused,
    Restart,
    Result,
    Spoilt,
    Start,
    Verified,
)
from graders.engine.where import stopped_at
from graders.kit.checks import Check, CheckResult, point_to_earlier_failures
from graders.kit.failure import Failure, Frame
from graders.kit.scenarios import (
    Scenario,
    choose_scenarios,
    encode_scenarios,
    grading_seed,
    judge_all,
)
from graders.manifest import Exercise

__all__ = ["CHECK_SECONDS", "EXERCISE_SECONDS", "IMPORT_SECONDS", "MAX_PROCESSES", "MEMORY_BYTES",
           "ChildLimits", "Grading", "grade", "run_grading"]


def grade(
    exercise: Exercise, checks: Sequence[Check] | None, folder: Path,
    limits: ChildLimits | None = None, *, reference: bool = False,
    on_start: Callable[[Check], object] | None = None,
) -> list[CheckResult]:
    """Every check's result for the student's code in `folder`, in order. With `checks` None,
    the exercise's suite is imported while the first child starts, which imports it too: the
    two imports (~0.3 s each) overlap instead of adding up. `reference`: `folder` is one of the
    pack's solutions, graded as such (a teacher's check), which the child may then read."""
    return run_grading(exercise, checks, folder, limits, reference=reference,
                       on_start=on_start).results


@dataclass
class Grading:
    """What `run_grading` found: the results, and how the child was held."""

    results: list[CheckResult]
    isolation: Isolation | None
    """What held around the last child (the same for every child of a grading); None if none
    ran."""


def run_grading(
    exercise: Exercise, checks: Sequence[Check] | None, folder: Path,
    limits: ChildLimits | None = None, *, reference: bool = False,
    on_start: Callable[[Check], object] | None = None, lanes: int = 1,
) -> Grading:
    """`grade`, with the isolation the grading had, for the report; the checks are shared by
    `lanes` children side by side (graders/engine/lanes.py), each taking the next check not yet
    taken.

    Whatever happens while the children are run and judged, the results are returned: a check
    that could not be judged fails with the reason (the parent never crashes). `on_start` is
    told of each check as it starts (the command line shows it on a terminal)."""
    refused = uploads.refusal(folder, reference=reference)
    if refused is not None:
        failure = refused if isinstance(refused, Failure) else Failure(str(refused))
        return Grading([_failed(check, failure) for check in (checks or exercise.checks())], None)
    grading = _Grading(exercise, folder, limits or ChildLimits(), reference, checks)
    grading.server = sandboxserver.GradingServer() if lanes > 1 else None

    def started(index: int) -> None:
        if on_start is not None and index < len(grading.checks):
            on_start(grading.checks[index])

    grading.on_start = started
    with _sharable(grading), _released(grading.server):
        try:
            for _ in in_lanes([partial(grading.run_lane, started)] * max(1, lanes), lanes):
                pass
            grading.wait_for_sharers()
            return Grading(grading.results_in_order(), grading.isolations[-1])
        except Exception as error:  # the grader's own fault: what was judged stays, the rest fails
            with contextlib.suppress(Exception):
                grading.load_checks()
                grading.wait_for_sharers()
            failure = messages.grader_failed(error)
            return Grading([grading.results.get(index) or _failed(check, failure)
                            for index, check in enumerate(grading.checks)],
                           grading.isolations[-1])


@contextlib.contextmanager
def _released(server: sandboxserver.GradingServer | None) -> Iterator[None]:
    try:
        yield
    finally:
        if server is not None:
            server.release()


SHARE_WHEN_LEFT = 3
"""Checks of a running grading not yet handed out for which an idle lane starts a child of its
own to share them (`share_a_grading`): for fewer, that child's start (a fork, the suite and the
student's modules: some 50 to 100 ms) costs about what it would save."""

_sharable_gradings: list[_Grading] = []
_sharable_lock = threading.Lock()


@contextlib.contextmanager
def _sharable(grading: _Grading) -> Iterator[None]:
    with _sharable_lock:
        _sharable_gradings.append(grading)
    try:
        yield
    finally:
        with _sharable_lock:
            _sharable_gradings.remove(grading)


def share_a_grading() -> bool:
    """For a lane with nothing left of its own (graders/engine/lanes.py): run children for the
    running grading with the most checks not yet handed out, as one more lane of it, until it
    has none left; False when no grading has SHARE_WHEN_LEFT. The last exercises of a `check` of
    several then end on every core, not on one while the others wait. Verdicts do not depend on
    how a grading's checks are split between children (`make bench` alternates the splits)."""
    with _sharable_lock:
        gradings = list(_sharable_gradings)
    grading = max(gradings, key=lambda grading: grading.handout.left, default=None)
    if grading is None or not grading.join_as_sharer():
        return False
    try:
        grading.run_lane(grading.on_start, own=False)
    except Exception as error:  # the grader's own fault: the grading's owner reports it
        grading.sharer_error = error
    finally:
        with grading.shared:
            grading.sharers -= 1
            grading.shared.notify_all()
    return True


class _Grading:
    """One exercise's grading: its checks (read from the suite while the first child starts),
    their scenarios, the checks not yet handed out, and the results so far."""

    def __init__(self, exercise: Exercise, folder: Path, limits: ChildLimits, reference: bool,
                 checks: Sequence[Check] | None) -> None:
        self.exercise, self.folder, self.limits, self.reference = (exercise, folder, limits,
                                                                   reference)
        self.from_suite = checks is None
        self.checks: list[Check] = list(checks or ())
        self.handout = childrun.Handout.of(len(self.checks), _draws(self.checks))
        self.deadline = time.monotonic() + limits.exercise_seconds
        self.chosen: dict[int, list[Scenario]] = {}
        self.results: dict[int, CheckResult] = {}
        self.isolations: list[Isolation | None] = [None]
        self.unrun: Failure | None = None
        """Why the checks no child ran fail: the import's failure, or the budget spent."""
        self.compare_each = False
        """Whether children compare the grader's record after each check, not only after their
        last: from the first child whose results did not all hold (`_held_results`) on."""
        self.spoilt: Failure | None = None
        """What a child found changed, for the checks no child was left to run again."""
        self.server: sandboxserver.GradingServer | None = None
        """The sandbox's server its own lanes fork with, side by side; None for one lane."""
        self._lock = threading.RLock()
        self.on_start: Callable[[int], object] = lambda index: None
        self.sharers = 0
        """Lanes of other gradings running children for this one (`share_a_grading`)."""
        self.closed_to_sharers = False
        self.shared = threading.Condition()
        self.sharer_error: Exception | None = None

    def join_as_sharer(self) -> bool:
        """Whether a lane of another grading may share this one now: its own lanes still run
        and it has SHARE_WHEN_LEFT checks not handed out (then it is counted as a sharer)."""
        with self.shared:
            if self.closed_to_sharers or self.handout.left < SHARE_WHEN_LEFT:
                return False
            self.sharers += 1
            return True

    def wait_for_sharers(self) -> None:
        """Once this grading's own lanes are done: until the lanes that shared it are done too
        (the checks they were given have their results), and the error one of them met."""
        with self.shared:
            self.closed_to_sharers = True
            while self.sharers:
                self.shared.wait(timeout=0.5)
        if self.sharer_error is not None:
            raise self.sharer_error

    def load_checks(self) -> None:
        with self._lock:
            if self.from_suite and not self.checks:
                self.checks.extend(self.exercise.checks())
                self.handout.set_count(len(self.checks), _draws(self.checks))

    def scenarios_text(self) -> str:
        with self._lock:
            self.load_checks()
            if not self.chosen:
                files = [self.folder / name for name in self.exercise.modules]
                self.chosen.update(choose_scenarios(
                    self.checks, grading_seed(self.exercise.number, files)))
            return encode_scenarios(self.chosen)

    def results_in_order(self) -> list[CheckResult]:
        self.load_checks()
        why = self.unrun or self.spoilt or messages.budget_spent(self.limits)
        ordered = [self.results.get(index) or _failed(check, why)
                   for index, check in enumerate(self.checks)]
        return point_to_earlier_failures(self.checks, ordered)

    def run_lane(self, on_start: Callable[[int], object], own: bool = True) -> None:
        """Run children, one after another, each taking checks from the handout, until every
        check was handed out (or the budget is spent, or the student's modules did not load).
        `own`: a lane of this grading's (it forks with the grading's server), not a sharer."""
        while True:
            if time.monotonic() >= self.deadline:
                self.handout.close()
                return
            compare_each = self.compare_each
            run = childrun.run_child(self.exercise, self.folder, self.handout, self.limits,
                                     self.deadline, self.load_checks, self.reference, on_start,
                                     self.scenarios_text, compare_each,
                                     self.server if own else None)
            self.isolations.append(run.isolation)
            held = self._take_results(_held_results(run, compare_each))
            failure = _import_failure(run, self.exercise, self.folder, self.limits)
            if failure is not None:
                self.unrun = self.unrun or failure
                self.handout.close()
                return
            if any(isinstance(e, Finished) for e in run.events):
                return
            reported = {e.index for e in run.events if isinstance(e, Result)}
            blamed = None  # it asked for a fresh child (Restart, Spoilt), or else it stopped
            if not any(isinstance(e, Restart | Spoilt) for e in run.events):
                blamed = self._fail_stopped(run, reported)
            # Its checks not started, and those whose results do not hold: again, by the next.
            self.handout.give_back([i for i in run.given if i not in held and i != blamed])
            if reported - held - {blamed} or any(isinstance(e, Spoilt) for e in run.events):
                self._compare_each_from_now(run)
            if self.handout.empty:
                return

    def _take_results(self, results: list[Result]) -> set[int]:
        """The verdicts of these results, which hold; their indices."""
        for event in results:
            if event.index < len(self.checks):
                self.results[event.index] = _result_from_event(
                    self.checks[event.index], event, self.chosen.get(event.index, []))
        return {event.index for event in results}

    def _fail_stopped(self, run: childrun.Run, reported: set[int]) -> int | None:
        """Fail the check the child was on when it hung or ended: the last it was given, unless
        it reported that one (then it died between checks, which blames none). Its index."""
        stuck = run.given[-1] if run.given else None
        if stuck is None or stuck in reported or stuck >= len(self.checks):
            return None
        self.results[stuck] = _failed(
            self.checks[stuck], _stopped_failure(run, self.exercise, self.folder, self.limits),
            run.tail_text())
        return stuck

    def _compare_each_from_now(self, run: childrun.Run) -> None:
        """Children compare after each check from now on: the results of this one did not all
        hold. What it found changed is the failure of the checks no child is left to run."""
        self.compare_each = True
        for event in run.events:
            if isinstance(event, Spoilt):
                self.spoilt = self.spoilt or Failure(event.message)


def _draws(checks: Sequence[Check]) -> list[str]:
    """Each check's draw, for the handout: the checks that share one go to one child."""
    return [check.draw for check in checks]


def _held_results(run: childrun.Run, compare_each: bool) -> list[Result]:
    """The results of `run` that hold: every one, from a child that compared the grader's record
    after each check (a check that changed it failed); from another, those it sent before it
    last compared the record and found it unchanged (it said so, or it finished, or restarted
    after a refusal). The others may have been measured by a grader the student's code changed."""
    if compare_each:
        return [event for event in run.events if isinstance(event, Result)]
    held: list[Result] = []
    pending: list[Result] = []
    for event in run.events:
        if isinstance(event, Result):
            pending.append(event)
        elif isinstance(event, Verified | Finished | Restart):
            held, pending = held + pending, []
    return held


def _import_failure(
    run: childrun.Run, exercise: Exercise, folder: Path, limits: ChildLimits
) -> Failure | None:
    """Why the student's modules could not be loaded, or None if they were."""
    if any(isinstance(e, Imported) for e in run.events):
        return None
    for event in run.events:
        if isinstance(event, ImportFailed):
            return messages.reported_import_failure(event.message)
    return messages.import_stopped(
        run.ended, run.returncode, exercise.main_module, limits, run.tail_text(),
        _where(run, exercise, folder),
    )


def _stopped_failure(
    run: childrun.Run, exercise: Exercise, folder: Path, limits: ChildLimits
) -> Failure:
    return messages.check_stopped(run.ended, run.returncode, limits, _refusals_since_start(run),
                                  _where(run, exercise, folder))


def _where(run: childrun.Run, exercise: Exercise, folder: Path) -> tuple[Frame, ...]:
    if not run.where_dump:
        return ()
    student_files = [folder / name for name in exercise.modules]
    spec = importlib.util.find_spec(exercise.suite_name)
    suite_file = Path(spec.origin) if spec is not None and spec.origin else None
    return stopped_at(run.where_dump, student_files, suite_file)


def _refusals_since_start(run: childrun.Run) -> list[str]:
    """What the guard refused since the last check started: often why the child then hung."""
    refused: list[str] = []
    for event in run.events:
        if isinstance(event, Start):
            refused = []
        elif isinstance(event, Refused):
            refused.append(event.what)
    return refused


def _result_from_event(check: Check, event: Result, scenarios: list[Scenario]) -> CheckResult:
    """The verdict on one check: the child's, when it failed the check (a child can always fail
    one); for a judged check that the child observed, the judge's, here."""
    passed = event.passed
    failure, timeline = event.failure, event.timeline
    if passed and check.judged:
        try:
            failure, timeline = judge_all(check, scenarios, event.observations)
            if failure is not None and event.notes:
                failure = replace(failure, notes=(*failure.notes, *event.notes))
        except Exception as error:  # the grader's own fault: this check fails, no other
            failure = messages.grader_failed(error)
        passed = failure is None
    return CheckResult(
        name=check.name,
        id=check.id,
        points=check.points if passed else 0.0,
        max_points=check.points,
        passed=passed,
        tags=check.tags,
        failure=None if passed else failure or messages.unexplained(),
        student_output=event.output,
        timeline=timeline,
        virtual_seconds=event.virtual_seconds,
    )


def _failed(check: Check, failure: Failure, output: str = "") -> CheckResult:
    return CheckResult(
        name=check.name, id=check.id, points=0.0, max_points=check.points, passed=False,
        tags=check.tags, failure=failure, student_output=output,
    )
