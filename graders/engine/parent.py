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
gets past it. How a child is started, counted and killed on each platform is
graders/engine/processes.py.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from graders.engine import messages, processes, sandbox, sandboxserver, uploads
from graders.engine.forkserver import ForkServerError
from graders.engine.limits import (
    CHECK_SECONDS,
    EXERCISE_SECONDS,
    IMPORT_SECONDS,
    MAX_PROCESSES,
    MEMORY_BYTES,
    WORKDIR_BYTES,
    WORKDIR_ENTRIES,
    ChildLimits,
)
from graders.engine.processes import Child, Isolation, start_child
from graders.engine.protocol import (
    Event,
    Finished,
    Imported,
    ImportFailed,
    Reader,
    Refused,
    Restart,
    Result,
    Start,
)
from graders.engine.where import WHERE_SIGNAL, ask_where, stopped_at
from graders.engine.workdir import usage, working_folder
from graders.kit.checks import Check, CheckResult, point_to_earlier_failures
from graders.kit.failure import Failure, Frame
from graders.kit.scenarios import (
    KEY_VARIABLE,
    Scenario,
    choose_scenarios,
    encode_scenarios,
    grading_seed,
    judge_all,
)
from graders.manifest import PACK_ROOT, Exercise

__all__ = ["CHECK_SECONDS", "EXERCISE_SECONDS", "IMPORT_SECONDS", "MAX_PROCESSES", "MEMORY_BYTES",
           "ChildLimits", "Grading", "grade", "run_grading"]

OUTPUT_TAIL_BYTES = 4096
PROCESS_COUNT_SECONDS = 0.5
"""How often the parent counts the child's processes while it waits for events."""
GROUP_END_SECONDS = 2.0
"""How long the parent waits for a killed sandbox's processes to be gone."""


@dataclass
class _Run:
    """What one child process reported before it ended."""

    events: list[Event] = field(default_factory=list)
    output_tail: bytes = b""
    """The last OUTPUT_TAIL_BYTES of what the child printed: a flood is never held whole."""
    output_bytes: int = 0
    ended: str = ""
    """Why it ended without finishing: "", "timeout" (its step's limit), "budget" (the
    exercise's), "exit", "processes" (too many), or "disk" (its working folder too full)."""
    returncode: int | None = None
    isolation: Isolation | None = None
    where_dump: bytes = b""
    """The child's stack when it was stopped (graders/engine/where.py); empty if it ended."""

    def tail_text(self) -> str:
        data = self.output_tail
        text = data.decode("utf-8", "replace").strip()
        if self.output_bytes > len(data):
            text = f"[{self.output_bytes:,} bytes printed; the last ones:]\n{text}"
        return text


def _child_command(
    exercise: Exercise, folder: Path, start: int, limits: ChildLimits, reference: bool,
    where_fd: int | None = None,
) -> list[str]:
    where = ["--where-fd", str(where_fd)] if where_fd is not None else []
    return [  # graders/engine/processes.py appends how the results pipe was passed
        sys.executable, "-m", "graders.engine.child", exercise.number, str(folder.resolve()),
        "--start", str(start), "--max-processes", str(limits.max_processes),
        *(["--reference"] if reference else []), *where,
    ]


def _where_pipe() -> tuple[int, int] | None:
    """The pipe on which a child dumps its stack when asked (graders/engine/where.py), where
    there are signals to ask with and descriptors to pass; None elsewhere (Windows)."""
    if not processes.posix_processes() or WHERE_SIGNAL is None:
        return None
    return os.pipe()


def _run_child(
    exercise: Exercise, folder: Path, start: int, limits: ChildLimits, deadline: float,
    while_starting: Callable[[], object] = lambda: None, reference: bool = False,
    on_start: Callable[[int], object] = lambda index: None,
    scenarios: Callable[[], str] = lambda: "",
) -> _Run:
    """Start a child at check `start`; collect its events until it finishes, exits or hangs.
    `while_starting` runs here while the child starts up; then the child is sent `scenarios()`,
    the judged checks' scenarios as JSON."""
    token = secrets.token_hex(16)
    chosen = sandbox.chosen()
    where = _where_pipe()  # the pipe of the child's stack dump, asked for on a hang
    with contextlib.ExitStack() as cleanup:
        try:
            child, watched = _start_child(cleanup, chosen, exercise, folder, start, limits,
                                          reference, where)
        finally:
            if where:
                os.close(where[1])
        _send_line(child.process, token)
        try:
            while_starting()  # the scenarios need the checks: they are sent once those are read
            _send_line(child.process, scenarios(), last=True)
            run = _collect(child, limits, deadline, token, on_start, watched)
            run.isolation = chosen.around(child.isolation)
            if where and run.ended in ("timeout", "budget", "processes", "disk"):  # where was it?
                run.where_dump = ask_where(child.process, where[0], sandboxed=child.wrapped)
            return run
        finally:
            child.stop()
            if where:
                os.close(where[0])
            if child.wrapped:  # the sandbox's pid 1 takes a moment to end all it holds
                give_up = time.monotonic() + GROUP_END_SECONDS
                while child.process_count() and time.monotonic() < give_up:
                    time.sleep(0.01)


def _start_child(
    cleanup: contextlib.ExitStack, chosen: sandbox.Sandbox, exercise: Exercise, folder: Path,
    start: int, limits: ChildLimits, reference: bool, where: tuple[int, int] | None,
) -> tuple[Child, Path | None]:
    """The child started, by the first of these that works: forked by a server inside the
    sandbox, in a sandbox of its own, or (no sandbox here) forked by the plain server or started
    as a program. With the working folder the parent must watch (where no tmpfs bounds it)."""
    command = _child_command(exercise, folder, start, limits, reference,
                             where[1] if where else None)
    extra_fds = where[1:] if where else ()
    scope = sandboxserver.scope_for(folder, reference) if chosen.sandboxed else None
    while scope is not None:  # a server that fails is replaced, as long as restarts are left
        forker = sandboxserver.server_for(scope, sandboxserver.server_environment())
        if forker is None:
            break
        workdir = forker.next_workdir()
        env = sandboxserver.child_environment(_child_environment(workdir), workdir)
        with contextlib.suppress(ForkServerError):  # then by a new server, or in a bwrap
            return start_child(command, env=env, cwd=workdir, limits=limits,
                               extra_fds=extra_fds, forker=forker), None
    # Removed whatever the child left there; on Windows a folder left behind loses nothing.
    folder_path = cleanup.enter_context(working_folder())
    env = _child_environment(str(folder_path))
    command = sandbox.child_command(chosen, command, exercise=exercise, submission=folder,
                                    workdir=folder_path, env=env)
    child = start_child(command, env=env, cwd=str(folder_path), limits=limits,
                        extra_fds=extra_fds)
    child.wrapped = chosen.sandboxed
    return child, None if chosen.sandboxed else folder_path


def _child_environment(workdir: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(PACK_ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "PYTHONIOENCODING": "utf-8",
        "TMPDIR": workdir,  # the only folder the child may write to
        "TEMP": workdir,  # the same on Windows
        "TMP": workdir,
    }
    env.pop(KEY_VARIABLE, None)  # the scenarios' secret: the parent's alone
    return env


def _send_line(process: subprocess.Popen, line: str, last: bool = False) -> None:
    """A line on the child's stdin: first its token, then its scenarios (the last line)."""
    assert process.stdin is not None
    with contextlib.suppress(OSError, ValueError):  # a child that died at once is reported as such
        process.stdin.write(line.encode() + b"\n")
        process.stdin.flush()
    if last:
        with contextlib.suppress(OSError):
            process.stdin.close()


def _collect(
    child: Child, limits: ChildLimits, deadline: float, token: str,
    on_start: Callable[[int], object] = lambda index: None, workdir: Path | None = None,
) -> _Run:
    """The child's events until it finishes, exits or hangs. Every PROCESS_COUNT_SECONDS the
    parent counts its processes and, where no sandbox's tmpfs bounds it, measures its
    `workdir`: a child past either limit is stopped."""
    run = _Run()
    events = Reader(token)
    open_streams = 2
    step_deadline = time.monotonic() + limits.import_seconds
    next_count = time.monotonic() + PROCESS_COUNT_SECONDS
    while open_streams:
        now = time.monotonic()
        wait = min(step_deadline, deadline) - now
        if wait <= 0:
            run.ended = "budget" if deadline < step_deadline else "timeout"
            if workdir is not None and _overfilled(workdir):  # the cause, rather than the hang
                run.ended = "disk"
            return run
        if now >= next_count:
            next_count = now + PROCESS_COUNT_SECONDS
            helpers = sandbox.chosen().helper_processes if child.wrapped else 0  # bwrap, pid 1
            if (child.process_count() or 0) > limits.max_processes + 1 + helpers:
                run.ended = "processes"
                return run
            if workdir is not None and _overfilled(workdir):
                run.ended = "disk"
                return run
        for stream, chunk in child.read(timeout=min(wait, max(0.0, next_count - now))):
            if not chunk:
                open_streams -= 1
                continue
            if stream == "output":
                run.output_bytes += len(chunk)
                run.output_tail = (run.output_tail + chunk[-OUTPUT_TAIL_BYTES:])[
                    -OUTPUT_TAIL_BYTES:
                ]
                continue
            for event in events.feed(chunk):
                run.events.append(event)
                if isinstance(event, Start | Imported):
                    step_deadline = time.monotonic() + limits.check_seconds
                if isinstance(event, Start):
                    with contextlib.suppress(Exception):  # only a display: it judges nothing
                        on_start(event.index)
                if isinstance(event, Finished | ImportFailed | Restart):
                    return run
    try:  # both pipes closed: the child is ending, or pretends to while it goes on
        returncode = child.process.wait(timeout=max(0.0, min(step_deadline, deadline) - now))
        run.returncode = sandbox.chosen().child_returncode(returncode) if child.wrapped \
            else returncode
    except subprocess.TimeoutExpired:
        run.ended = "budget" if deadline < step_deadline else "timeout"
        return run
    run.ended = "exit"
    return run


def _overfilled(workdir: Path) -> bool:
    size, entries = usage(workdir, WORKDIR_ENTRIES)
    return size > WORKDIR_BYTES or entries > WORKDIR_ENTRIES


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
    on_start: Callable[[Check], object] | None = None,
) -> Grading:
    """`grade`, with the isolation the grading had, for the report.

    Whatever happens while the children are run and judged, the results are returned: a check
    that could not be judged fails with the reason (the parent never crashes). `on_start` is
    told of each check as it starts (the command line shows it on a terminal)."""
    refused = uploads.refusal(folder, reference=reference)
    if refused is not None:
        failure = refused if isinstance(refused, Failure) else Failure(str(refused))
        return Grading([_failed(check, failure) for check in (checks or exercise.checks())], None)
    limits = limits or ChildLimits()
    from_suite = checks is None
    checks = list(checks or ())

    def load_checks() -> None:
        if from_suite and not checks:
            checks.extend(exercise.checks())

    def started(index: int) -> None:
        if on_start is not None and index < len(checks):
            on_start(checks[index])

    results: dict[int, CheckResult] = {}
    isolations: list[Isolation | None] = [None]
    try:
        _grade_in_children(exercise, checks, folder, limits, load_checks, results, started,
                           isolations, reference)
        ordered = [results[index] for index in range(len(checks))]
        return Grading(point_to_earlier_failures(checks, ordered), isolations[-1])
    except Exception as error:  # the grader's own fault: what was judged stays, the rest fails
        with contextlib.suppress(Exception):
            load_checks()
        failure = messages.grader_failed(error)
        return Grading([results.get(index) or _failed(check, failure)
                        for index, check in enumerate(checks)], isolations[-1])


def _grade_in_children(
    exercise: Exercise, checks: list[Check], folder: Path, limits: ChildLimits,
    load_checks: Callable[[], None], results: dict[int, CheckResult],
    on_start: Callable[[int], object], isolations: list[Isolation | None],
    reference: bool = False,
) -> None:
    """Run children, one after another from where the last one stopped, until every check of
    `checks` (filled by `load_checks` while the first child starts) has its result."""
    deadline = time.monotonic() + limits.exercise_seconds
    start = 0
    chosen: dict[int, list[Scenario]] = {}

    def scenarios_text() -> str:
        load_checks()
        if not chosen:
            files = [folder / name for name in exercise.modules]
            chosen.update(choose_scenarios(checks, grading_seed(exercise.number, files)))
        return encode_scenarios(chosen)

    while start == 0 or start < len(checks):
        if time.monotonic() >= deadline:
            load_checks()
            _fail_rest(results, checks, start, messages.budget_spent(limits))
            return
        run = _run_child(exercise, folder, start, limits, deadline, load_checks, reference,
                         on_start, scenarios_text)
        isolations.append(run.isolation)
        for event in run.events:
            if isinstance(event, Result) and event.index < len(checks):
                results[event.index] = _result_from_event(
                    checks[event.index], event, chosen.get(event.index, []))
        failure = _import_failure(run, exercise, folder, limits)
        if failure is not None:
            _fail_rest(results, checks, start, failure)
            return
        if any(isinstance(e, Finished) for e in run.events):
            return
        restart = [e.index for e in run.events if isinstance(e, Restart)]
        if restart:  # the child reported its check and asked for a fresh process
            start = max(restart[-1], start + 1)
            continue
        stuck = _current_check(run)
        if stuck is None or stuck in results:  # died between checks
            stuck = max([start - 1, *results]) + 1
        if stuck < len(checks):
            results[stuck] = _failed(
                checks[stuck], _stopped_failure(run, exercise, folder, limits), run.tail_text()
            )
        start = stuck + 1


def _current_check(run: _Run) -> int | None:
    starts = [e.index for e in run.events if isinstance(e, Start)]
    return starts[-1] if starts else None


def _import_failure(
    run: _Run, exercise: Exercise, folder: Path, limits: ChildLimits
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


def _stopped_failure(run: _Run, exercise: Exercise, folder: Path, limits: ChildLimits) -> Failure:
    return messages.check_stopped(run.ended, run.returncode, limits, _refusals_since_start(run),
                                  _where(run, exercise, folder))


def _where(run: _Run, exercise: Exercise, folder: Path) -> tuple[Frame, ...]:
    if not run.where_dump:
        return ()
    student_files = [folder / name for name in exercise.modules]
    spec = importlib.util.find_spec(exercise.suite_name)
    suite_file = Path(spec.origin) if spec is not None and spec.origin else None
    return stopped_at(run.where_dump, student_files, suite_file)


def _refusals_since_start(run: _Run) -> list[str]:
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


def _fail_rest(
    results: dict[int, CheckResult], checks: list[Check], start: int, why: Failure
) -> None:
    for index in range(start, len(checks)):
        results.setdefault(index, _failed(checks[index], why))
