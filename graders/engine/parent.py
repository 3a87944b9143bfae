"""The parent side: run an exercise's checks in a child process and decide every verdict.

The child may hang, exit, crash, fork or flood its output; none of that can make a check pass. A
check passes only when the child reported it passed, on its private pipe, with the run's secret
token (written on the child's stdin, so the student's code never sees it in the environment or the
command line). When the child stops answering during a check, that check fails, the child is killed
with its whole process group, and a new child goes on with the next check, as long as the
exercise's time budget lasts. As the contract says, a hang or an early exit fails only the check it
happened in; the other checks keep their own verdicts and points. (An import that fails, hangs or
exits fails every check: none of them could run.) Where /proc exists, the parent also counts the
processes of the child's group and kills the group when there are too many: the child refuses
forks beyond its limit itself (graders/engine/guard.py), and this count catches what gets past it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import secrets
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from graders.engine import messages
from graders.engine.limits import (
    CHECK_SECONDS,
    EXERCISE_SECONDS,
    IMPORT_SECONDS,
    MAX_PROCESSES,
    MEMORY_BYTES,
    ChildLimits,
    limit_child,
)
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
from graders.engine.where import ask_where, stopped_at
from graders.kit.checks import Check, CheckResult, point_to_earlier_failures
from graders.kit.failure import Failure, Frame
from graders.manifest import PACK_ROOT, Exercise

__all__ = ["CHECK_SECONDS", "EXERCISE_SECONDS", "IMPORT_SECONDS", "MAX_PROCESSES", "MEMORY_BYTES",
           "ChildLimits", "grade"]

OUTPUT_TAIL_BYTES = 4096
READ_BYTES = 1024**2
PROCESS_COUNT_SECONDS = 0.5
"""How often the parent counts the child's processes while it waits for events."""


@dataclass
class _Run:
    """What one child process reported before it ended."""

    events: list[Event] = field(default_factory=list)
    output_tail: bytes = b""
    """The last OUTPUT_TAIL_BYTES of what the child printed: a flood is never held whole."""
    output_bytes: int = 0
    ended: str = ""
    """Why it ended without finishing: "", "timeout" (its step's limit), "budget" (the
    exercise's), "exit", or "processes" (too many)."""
    returncode: int | None = None
    where_dump: bytes = b""
    """The child's stack when it was stopped (graders/engine/where.py); empty if it ended."""

    def tail_text(self) -> str:
        data = self.output_tail
        text = data.decode("utf-8", "replace").strip()
        if self.output_bytes > len(data):
            text = f"[{self.output_bytes:,} bytes printed; the last ones:]\n{text}"
        return text


def _child_command(
    exercise: Exercise, folder: Path, start: int, results_fd: int, limits: ChildLimits,
    where_fd: int,
) -> list[str]:
    return [
        sys.executable, "-m", "graders.engine.child", exercise.number, str(folder.resolve()),
        "--start", str(start), "--results-fd", str(results_fd),
        "--max-processes", str(limits.max_processes), "--where-fd", str(where_fd),
    ]


def _run_child(
    exercise: Exercise, folder: Path, start: int, limits: ChildLimits, deadline: float,
    while_starting: Callable[[], object] = lambda: None,
    on_start: Callable[[int], object] = lambda index: None,
) -> _Run:
    """Start a child at check `start`; collect its events until it finishes, exits or hangs.
    `while_starting` runs here while the child starts up."""
    read_fd, write_fd = os.pipe()
    where_read, where_write = os.pipe()
    token = secrets.token_hex(16)
    # A folder the child left that cannot be removed must not stop the grading.
    with tempfile.TemporaryDirectory(prefix="awaitlings-", ignore_cleanup_errors=True) as workdir:
        env = {
            **os.environ,
            "PYTHONPATH": str(PACK_ROOT),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "PYTHONIOENCODING": "utf-8",
            "TMPDIR": workdir,  # the only folder the child may write to
        }
        process = subprocess.Popen(
            _child_command(exercise, folder, start, write_fd, limits, where_write),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(write_fd, where_write),
            cwd=workdir,
            env=env,
            start_new_session=True,
            preexec_fn=lambda: limit_child(limits.memory_bytes, int(limits.exercise_seconds) + 5),
        )
        os.close(write_fd)
        os.close(where_write)
        _send_token(process, token)
        try:
            while_starting()
            run = _collect(process, read_fd, limits, deadline, token, on_start)
            if run.ended in ("timeout", "budget", "processes"):  # alive, stopped: where was it?
                run.where_dump = ask_where(process, where_read)
            return run
        finally:
            _kill_group(process)
            os.close(read_fd)
            os.close(where_read)


def _send_token(process: subprocess.Popen, token: str) -> None:
    assert process.stdin is not None
    with contextlib.suppress(OSError):  # a child that died at once is reported as such
        process.stdin.write(token.encode() + b"\n")
        process.stdin.flush()
    with contextlib.suppress(OSError):
        process.stdin.close()


def _collect(
    process: subprocess.Popen, read_fd: int, limits: ChildLimits, deadline: float, token: str,
    on_start: Callable[[int], object] = lambda index: None,
) -> _Run:
    run = _Run()
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(read_fd, selectors.EVENT_READ, "results")
    selector.register(process.stdout, selectors.EVENT_READ, "output")
    events = Reader(token)
    open_streams = 2
    step_deadline = time.monotonic() + limits.import_seconds
    next_count = time.monotonic() + PROCESS_COUNT_SECONDS
    while open_streams:
        now = time.monotonic()
        wait = min(step_deadline, deadline) - now
        if wait <= 0:
            run.ended = "budget" if deadline < step_deadline else "timeout"
            return run
        if now >= next_count:
            next_count = now + PROCESS_COUNT_SECONDS
            if (_group_size(process.pid) or 0) > limits.max_processes + 1:
                run.ended = "processes"
                return run
        for key, _ in selector.select(timeout=min(wait, max(0.0, next_count - now))):
            fd = key.fd if key.data == "results" else process.stdout.fileno()
            chunk = os.read(fd, READ_BYTES)
            if not chunk:
                selector.unregister(key.fileobj)
                open_streams -= 1
                continue
            if key.data == "output":
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
        run.returncode = process.wait(timeout=max(0.0, min(step_deadline, deadline) - now))
    except subprocess.TimeoutExpired:
        run.ended = "budget" if deadline < step_deadline else "timeout"
        return run
    run.ended = "exit"
    return run


def _group_size(pgid: int) -> int | None:
    """How many live processes are in the process group, from /proc; None without /proc."""
    group = str(pgid).encode()
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    count = 0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                data = stat.read()
        except OSError:
            continue
        fields = data[data.rfind(b")") + 2:].split()  # state, ppid, pgrp, ...
        if len(fields) > 2 and fields[2] == group and fields[0] != b"Z":  # zombies hold nothing
            count += 1
    return count


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    if process.stdout is not None:
        process.stdout.close()


def grade(
    exercise: Exercise, checks: Sequence[Check] | None, folder: Path,
    limits: ChildLimits | None = None, on_start: Callable[[Check], object] | None = None,
) -> list[CheckResult]:
    """Every check's result for the student's code in `folder`, in order. With `checks` None,
    the exercise's suite is imported while the first child starts, which imports it too: the
    two imports (~0.3 s each) overlap instead of adding up.

    Whatever happens while the children are run and judged, the results are returned: a check
    that could not be judged fails with the reason (the parent never crashes). `on_start` is
    told of each check as it starts (the command line shows it on a terminal)."""
    limits = limits or ChildLimits()
    from_suite = checks is None
    checks = list(checks or ())

    def load_checks() -> None:
        if from_suite and not checks:
            checks.extend(exercise.checks())

    results: dict[int, CheckResult] = {}
    try:
        def started(index: int) -> None:
            if on_start is not None and index < len(checks):
                on_start(checks[index])

        _grade_in_children(exercise, checks, folder, limits, load_checks, results, started)
        ordered = [results[index] for index in range(len(checks))]
        return point_to_earlier_failures(checks, ordered)
    except Exception as error:  # the grader's own fault: what was judged stays, the rest fails
        with contextlib.suppress(Exception):
            load_checks()
        failure = messages.grader_failed(error)
        return [results.get(index) or _failed(check, failure)
                for index, check in enumerate(checks)]


def _grade_in_children(
    exercise: Exercise, checks: list[Check], folder: Path, limits: ChildLimits,
    load_checks: Callable[[], None], results: dict[int, CheckResult],
    on_start: Callable[[int], object],
) -> None:
    """Run children, one after another from where the last one stopped, until every check of
    `checks` (filled by `load_checks` while the first child starts) has its result."""
    deadline = time.monotonic() + limits.exercise_seconds
    start = 0
    while start == 0 or start < len(checks):
        if time.monotonic() >= deadline:
            load_checks()
            _fail_rest(results, checks, start, messages.budget_spent(limits))
            return
        run = _run_child(exercise, folder, start, limits, deadline, load_checks, on_start)
        for event in run.events:
            if isinstance(event, Result) and event.index < len(checks):
                results[event.index] = _result_from_event(checks[event.index], event)
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


def _result_from_event(check: Check, event: Result) -> CheckResult:
    passed = event.passed
    return CheckResult(
        name=check.name,
        id=check.id,
        points=check.points if passed else 0.0,
        max_points=check.points,
        passed=passed,
        tags=check.tags,
        failure=None if passed else event.failure or messages.unexplained(),
        student_output=event.output,
        timeline=event.timeline,
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
