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
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from graders.engine import sandbox, uploads
from graders.engine.limits import (
    CHECK_SECONDS,
    EXERCISE_SECONDS,
    IMPORT_SECONDS,
    MAX_PROCESSES,
    MEMORY_BYTES,
    ChildLimits,
)
from graders.engine.processes import Child, Isolation, start_child
from graders.engine.workdir import working_folder
from graders.kit.checks import Check, CheckResult, point_to_earlier_failures
from graders.manifest import PACK_ROOT, Exercise

__all__ = ["CHECK_SECONDS", "EXERCISE_SECONDS", "IMPORT_SECONDS", "MAX_PROCESSES", "MEMORY_BYTES",
           "ChildLimits", "Grading", "grade", "run_grading"]

OUTPUT_TAIL_BYTES = 4096
MAX_EVENT_BYTES = 1024**2
"""A results line longer than this is dropped: the child cuts its fields far below it."""
EVENT_PREFIX = b'{"token": "'
"""How every event line of graders.engine.child's Reporter starts (the token is its first field)."""
PROCESS_COUNT_SECONDS = 0.5
"""How often the parent counts the child's processes while it waits for events."""
GROUP_END_SECONDS = 2.0
"""How long the parent waits for a killed sandbox's processes to be gone."""


@dataclass
class _Run:
    """What one child process reported before it ended."""

    events: list[dict] = field(default_factory=list)
    output_tail: bytes = b""
    """The last OUTPUT_TAIL_BYTES of what the child printed: a flood is never held whole."""
    output_bytes: int = 0
    ended: str = ""
    """Why it ended without finishing: "", "timeout" (its step's limit), "budget" (the
    exercise's), "exit", or "processes" (too many)."""
    returncode: int | None = None
    isolation: Isolation | None = None

    def tail_text(self) -> str:
        data = self.output_tail
        text = data.decode("utf-8", "replace").strip()
        if self.output_bytes > len(data):
            text = f"[{self.output_bytes:,} bytes printed; the last ones:]\n{text}"
        return text


def _child_command(
    exercise: Exercise, folder: Path, start: int, limits: ChildLimits, reference: bool
) -> list[str]:
    return [  # graders/engine/processes.py appends how the results pipe was passed
        sys.executable, "-m", "graders.engine.child", exercise.number, str(folder.resolve()),
        "--start", str(start), "--max-processes", str(limits.max_processes),
        *(["--reference"] if reference else []),
    ]


def _run_child(
    exercise: Exercise, folder: Path, start: int, limits: ChildLimits, deadline: float,
    while_starting: Callable[[], object] = lambda: None, reference: bool = False,
) -> _Run:
    """Start a child at check `start`; collect its events until it finishes, exits or hangs.
    `while_starting` runs here while the child starts up."""
    token = secrets.token_hex(16)
    # Removed whatever the child left there; on Windows a folder left behind loses nothing.
    with working_folder() as folder_path:
        workdir = str(folder_path)
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
        chosen = sandbox.chosen()
        command = sandbox.child_command(
            chosen, _child_command(exercise, folder, start, limits, reference),
            exercise=exercise, submission=folder, workdir=folder_path, env=env,
        )
        child = start_child(command, env=env, cwd=workdir, limits=limits)
        _send_token(child.process, token)
        try:
            while_starting()
            run = _collect(child, limits, deadline, token)
            run.isolation = chosen.around(child.isolation)
            return run
        finally:
            child.stop()
            if chosen.sandboxed:  # the sandbox's pid 1 takes a moment to end all it holds
                give_up = time.monotonic() + GROUP_END_SECONDS
                while child.process_count() and time.monotonic() < give_up:
                    time.sleep(0.01)


def _send_token(process: subprocess.Popen, token: str) -> None:
    assert process.stdin is not None
    with contextlib.suppress(OSError):  # a child that died at once is reported as such
        process.stdin.write(token.encode() + b"\n")
        process.stdin.flush()
    with contextlib.suppress(OSError):
        process.stdin.close()


def _collect(child: Child, limits: ChildLimits, deadline: float, token: str) -> _Run:
    run = _Run()
    events = _EventReader(token)
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
            helpers = sandbox.chosen().helper_processes  # bwrap and its pid 1, when sandboxed
            if (child.process_count() or 0) > limits.max_processes + 1 + helpers:
                run.ended = "processes"
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
                if event["event"] in ("start", "imported"):
                    step_deadline = time.monotonic() + limits.check_seconds
                if event["event"] in ("finished", "import_failed", "restart"):
                    return run
    try:  # both pipes closed: the child is ending, or pretends to while it goes on
        run.returncode = sandbox.chosen().child_returncode(
            child.process.wait(timeout=max(0.0, min(step_deadline, deadline) - now)))
    except subprocess.TimeoutExpired:
        run.ended = "budget" if deadline < step_deadline else "timeout"
        return run
    run.ended = "exit"
    return run


class _EventReader:
    """Events from the results pipe: whole lines, with the run's token, in a sensible order.

    A result is believed only for the check the child said it started, once; anything else on
    the pipe (a forged line without the token, a result for another check) is dropped.
    """

    def __init__(self, token: str) -> None:
        self._token = token
        self._pending = b""
        self._skipping = False
        self._started: int | None = None

    def feed(self, chunk: bytes) -> list[dict]:
        self._pending += chunk
        *lines, self._pending = self._pending.split(b"\n")
        if len(self._pending) > MAX_EVENT_BYTES:  # no line ends: drop it, up to the next one
            self._pending, self._skipping = b"", True
        events = []
        for line in lines:
            if self._skipping:
                self._skipping = False
                continue
            if not line.startswith(EVENT_PREFIX):  # a flood of junk costs no parsing
                continue
            event = self._parse(line)
            if event is not None:
                events.append(event)
        return events

    def _parse(self, line: bytes) -> dict | None:
        try:
            event = json.loads(line)
        except ValueError:
            return None
        if not isinstance(event, dict) or not isinstance(event.get("token"), str):
            return None
        if not secrets.compare_digest(event["token"], self._token):
            return None
        kind, index = event.get("event"), event.get("index")
        if kind in ("start", "result", "restart") and type(index) is not int:
            return None
        if kind == "start":
            self._started = index
        elif kind == "result":
            if index != self._started:
                return None
            self._started = None
            event["passed"] = event.get("passed") is True
        elif kind == "refused":
            event["what"] = str(event.get("what"))
        elif kind not in ("imported", "import_failed", "finished", "restart"):
            return None
        return event


def grade(
    exercise: Exercise, checks: Sequence[Check] | None, folder: Path,
    limits: ChildLimits | None = None, *, reference: bool = False,
) -> list[CheckResult]:
    """Every check's result for the student's code in `folder`, in order. With `checks` None,
    the exercise's suite is imported while the first child starts, which imports it too: the
    two imports (~0.3 s each) overlap instead of adding up. `reference`: `folder` is one of the
    pack's solutions, graded as such (a teacher's check), which the child may then read."""
    return run_grading(exercise, checks, folder, limits, reference=reference).results


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
) -> Grading:
    """`grade`, with the isolation the grading had, for the report."""
    refused = uploads.refusal(folder, reference=reference)
    if refused is not None:
        return Grading([_failed(check, refused) for check in (checks or exercise.checks())], None)
    limits = limits or ChildLimits()
    isolation: Isolation | None = None
    deadline = time.monotonic() + limits.exercise_seconds
    from_suite = checks is None
    checks = list(checks or ())

    def load_checks() -> None:
        if from_suite and not checks:
            checks.extend(exercise.checks())

    results: dict[int, CheckResult] = {}
    start = 0
    while start == 0 or start < len(checks):
        if time.monotonic() >= deadline:
            load_checks()
            _fail_rest(results, checks, start, _budget_spent(limits))
            break
        run = _run_child(exercise, folder, start, limits, deadline, load_checks, reference)
        isolation = run.isolation
        for event in run.events:
            if event["event"] == "result":
                results[event["index"]] = _result_from_event(checks[event["index"]], event)
        failure = _import_failure(run, exercise, limits)
        if failure is not None:
            _fail_rest(results, checks, start, failure)
            break
        if any(e["event"] == "finished" for e in run.events):
            break
        restart = [e["index"] for e in run.events if e["event"] == "restart"]
        if restart:  # the child reported its check and asked for a fresh process
            start = max(restart[-1], start + 1)
            continue
        stuck = _current_check(run)
        if stuck is None or stuck in results:  # died between checks
            stuck = max([start - 1, *results]) + 1
        if stuck < len(checks):
            results[stuck] = _failed(checks[stuck], _stopped_message(run, limits), run.tail_text())
        start = stuck + 1
    ordered = [results[index] for index in range(len(checks))]
    return Grading(point_to_earlier_failures(checks, ordered), isolation)


def _current_check(run: _Run) -> int | None:
    starts = [e["index"] for e in run.events if e["event"] == "start"]
    return starts[-1] if starts else None


def _import_failure(run: _Run, exercise: Exercise, limits: ChildLimits) -> str | None:
    """Why the student's modules could not be loaded, or None if they were."""
    if any(e["event"] == "imported" for e in run.events):
        return None
    for event in run.events:
        if event["event"] == "import_failed":
            return f"{event['message']}\nNone of this exercise's checks could run."
    module = exercise.main_module
    tail = run.tail_text()
    shown = f"\nWhat it printed last:\n{tail}" if tail else ""
    if run.ended == "processes":
        return _too_many_processes(limits, f"while {module} was being imported") + (
            "\nNone of this exercise's checks could run."
        )
    if run.ended == "budget":  # a new child, after checks that used up the time
        return _budget_spent(limits)
    if run.ended == "timeout":
        return (
            f"Importing {module} did not finish within {limits.import_seconds:.0f} s, so it was "
            "stopped and none of this exercise's checks could run. Code at the top level of a "
            "module runs on import: a loop that never ends, or a server started there "
            "(run_app, run_forever), never lets the import finish. Put it under "
            f'if __name__ == "__main__":{shown}'
        )
    return (
        f"The grading process ended while it was importing {module} "
        f"({_exit_description(run.returncode)}), so none of this exercise's checks could run. "
        "Code at the top level of a module runs on import: does it call sys.exit or os._exit, "
        f"or use too much memory?{shown}"
    )


def _too_many_processes(limits: ChildLimits, when: str) -> str:
    return (
        f"Your code started more than {limits.max_processes} processes {when}, so the grading "
        "process was stopped with all of them. A process that starts processes without end (a "
        "fork storm) would take the whole machine down. No solution of this exercise needs more "
        "than a few processes, and none needs os.fork."
    )


def _stopped_message(run: _Run, limits: ChildLimits) -> str:
    return _why_it_stopped(run, limits) + _refusals_before(run)


def _refusals_before(run: _Run) -> str:
    """What the guard refused since the last check started: often why the child then hung."""
    refused: list[str] = []
    for event in run.events:
        if event["event"] == "start":
            refused = []
        elif event["event"] == "refused":
            refused.append(f"  {event['what'][:300]}")
    if not refused:
        return ""
    return "\nBefore that, your code tried what the grader does not allow:\n" + "\n".join(
        refused[:6]
    )


def _why_it_stopped(run: _Run, limits: ChildLimits) -> str:
    if run.ended == "processes":
        return _too_many_processes(limits, "during this check")
    if run.ended in ("timeout", "budget"):
        stopped = (
            f"This check did not finish within {limits.check_seconds:.0f} s of wall time"
            if run.ended == "timeout" else
            f"This check was still running when this exercise's {limits.exercise_seconds:.0f} s "
            "of wall time ran out (earlier checks that did not finish used most of it)"
        )
        return (
            f"{stopped}, so it was stopped. Time is virtual here: correct code takes a fraction of "
            "a second. Something never gives control back: a loop that never awaits, a blocking "
            "call, or a wait for something that never happens."
        )
    return (
        f"Your code ended the grading process during this check "
        f"({_exit_description(run.returncode)}). Does it call os._exit or sys.exit, kill its own "
        "process, or use too much memory?"
    )


def _exit_description(returncode: int | None) -> str:
    if returncode is None:
        return "it stopped answering"
    if returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else "?"
        return f"killed by signal {-returncode}, {name}"
    return f"exit status {returncode}"


def _budget_spent(limits: ChildLimits) -> str:
    return (
        f"Not run: this exercise's grading used up its {limits.exercise_seconds:.0f} s of wall "
        "time on earlier checks that did not finish."
    )


def _result_from_event(check: Check, event: dict) -> CheckResult:
    passed = bool(event.get("passed"))
    return CheckResult(
        name=check.name,
        id=check.id,
        points=check.points if passed else 0.0,
        max_points=check.points,
        passed=passed,
        tags=check.tags,
        message=str(event.get("message", "")),
        student_output=str(event.get("output", "")),
        timeline=str(event.get("timeline", "")),
        virtual_seconds=float(event.get("virtual_seconds") or 0.0),
    )


def _failed(check: Check, message: str, output: str = "") -> CheckResult:
    return CheckResult(
        name=check.name, id=check.id, points=0.0, max_points=check.points, passed=False,
        tags=check.tags, message=message, student_output=output,
    )


def _fail_rest(results: dict[int, CheckResult], checks: list[Check], start: int, why: str) -> None:
    for index in range(start, len(checks)):
        results.setdefault(index, _failed(checks[index], why))
