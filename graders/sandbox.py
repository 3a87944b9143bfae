"""The parent side: run an exercise's checks in a child process and decide every verdict.

The child may hang, exit, crash or flood its output; none of that can make a check pass. A check
passes only when the child reported it passed. When the child stops answering during a check, that
check fails, the child is killed with its whole process group, and a new child goes on with the
next check, as long as the exercise's time budget lasts.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from graders.checks import Check, CheckResult, point_to_earlier_failures
from graders.manifest import PACK_ROOT, Exercise

IMPORT_SECONDS = 10.0
"""Wall time for loading the student's modules before the first check."""
CHECK_SECONDS = 10.0
"""Wall time for one check; correct code needs a fraction of a second (time is virtual)."""
EXERCISE_SECONDS = 50.0
"""Wall time for a whole exercise, however many restarts: the contract allows one minute."""
MEMORY_BYTES = 2 * 1024**3
OUTPUT_TAIL_BYTES = 4096


@dataclass
class ChildLimits:
    import_seconds: float = IMPORT_SECONDS
    check_seconds: float = CHECK_SECONDS
    exercise_seconds: float = EXERCISE_SECONDS
    memory_bytes: int = MEMORY_BYTES


@dataclass
class _Run:
    """What one child process reported before it ended."""

    events: list[dict] = field(default_factory=list)
    output_tail: deque[bytes] = field(default_factory=lambda: deque(maxlen=64))
    output_bytes: int = 0
    ended: str = ""
    """Why it ended without finishing: "", "timeout", or "exit"."""
    returncode: int | None = None

    def tail_text(self) -> str:
        data = b"".join(self.output_tail)[-OUTPUT_TAIL_BYTES:]
        text = data.decode("utf-8", "replace").strip()
        if self.output_bytes > len(data):
            text = f"[{self.output_bytes:,} bytes printed; the last ones:]\n{text}"
        return text


def _limit_child(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024**2, 64 * 1024**2))


def _child_command(exercise: Exercise, folder: Path, start: int, results_fd: int) -> list[str]:
    return [
        sys.executable, "-m", "graders.child", exercise.number, str(folder.resolve()),
        "--start", str(start), "--results-fd", str(results_fd),
    ]


def _run_child(
    exercise: Exercise, folder: Path, start: int, limits: ChildLimits, deadline: float
) -> _Run:
    """Start a child at check `start`; collect its events until it finishes, exits or hangs."""
    read_fd, write_fd = os.pipe()
    env = {
        **os.environ,
        "PYTHONPATH": str(PACK_ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "PYTHONIOENCODING": "utf-8",
    }
    with tempfile.TemporaryDirectory(prefix="awaitlings-") as workdir:
        process = subprocess.Popen(
            _child_command(exercise, folder, start, write_fd),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(write_fd,),
            cwd=workdir,
            env=env,
            start_new_session=True,
            preexec_fn=lambda: _limit_child(limits.memory_bytes, int(limits.exercise_seconds) + 5),
        )
        os.close(write_fd)
        try:
            return _collect(process, read_fd, limits, deadline)
        finally:
            _kill_group(process)
            os.close(read_fd)


def _collect(process: subprocess.Popen, read_fd: int, limits: ChildLimits, deadline: float) -> _Run:
    run = _Run()
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(read_fd, selectors.EVENT_READ, "results")
    selector.register(process.stdout, selectors.EVENT_READ, "output")
    pending = b""
    open_streams = 2
    step_deadline = time.monotonic() + limits.import_seconds
    while open_streams:
        now = time.monotonic()
        wait = min(step_deadline, deadline) - now
        if wait <= 0:
            run.ended = "timeout"
            return run
        for key, _ in selector.select(timeout=wait):
            fd = key.fd if key.data == "results" else process.stdout.fileno()
            chunk = os.read(fd, 65536)
            if not chunk:
                selector.unregister(key.fileobj)
                open_streams -= 1
                continue
            if key.data == "output":
                run.output_bytes += len(chunk)
                run.output_tail.append(chunk)
                continue
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                event = _parse_event(line)
                if event is None:
                    continue
                run.events.append(event)
                if event["event"] in ("start", "imported"):
                    step_deadline = time.monotonic() + limits.check_seconds
                if event["event"] in ("finished", "import_failed"):
                    return run
    try:  # both pipes closed: the child is ending, or pretends to while it goes on
        run.returncode = process.wait(timeout=max(0.0, min(step_deadline, deadline) - now))
    except subprocess.TimeoutExpired:
        run.ended = "timeout"
        return run
    run.ended = "exit"
    return run


def _parse_event(line: bytes) -> dict | None:
    try:
        event = json.loads(line)
    except ValueError:
        return None
    return event if isinstance(event, dict) and "event" in event else None


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    if process.stdout is not None:
        process.stdout.close()


def grade(
    exercise: Exercise, checks: list[Check], folder: Path, limits: ChildLimits | None = None
) -> list[CheckResult]:
    """Every check's result for the student's code in `folder`, in order."""
    limits = limits or ChildLimits()
    deadline = time.monotonic() + limits.exercise_seconds
    results: dict[int, CheckResult] = {}
    start = 0
    while start < len(checks):
        if time.monotonic() >= deadline:
            _fail_rest(results, checks, start, _budget_spent(limits))
            break
        run = _run_child(exercise, folder, start, limits, deadline)
        for event in run.events:
            if event["event"] == "result":
                results[event["index"]] = _result_from_event(checks[event["index"]], event)
        failure = _import_failure(run, exercise, limits)
        if failure is not None:
            _fail_rest(results, checks, start, failure)
            break
        if any(e["event"] == "finished" for e in run.events):
            break
        stuck = _current_check(run)
        if stuck is None or stuck in results:  # died between checks
            stuck = max([start - 1, *results]) + 1
        if stuck < len(checks):
            results[stuck] = _failed(checks[stuck], _stopped_message(run, limits), run.tail_text())
        start = stuck + 1
    return point_to_earlier_failures(checks, [results[index] for index in range(len(checks))])


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


def _stopped_message(run: _Run, limits: ChildLimits) -> str:
    if run.ended == "timeout":
        return (
            f"This check did not finish within {limits.check_seconds:.0f} s of wall time, so it "
            "was stopped. Time is virtual here: correct code takes a fraction of a second. "
            "Something never gives control back: a loop that never awaits, a blocking call, or a "
            "wait for something that never happens."
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
        name=check.name, points=0.0, max_points=check.points, passed=False,
        tags=check.tags, message=message, student_output=output,
    )


def _fail_rest(results: dict[int, CheckResult], checks: list[Check], start: int, why: str) -> None:
    for index in range(start, len(checks)):
        results.setdefault(index, _failed(checks[index], why))
