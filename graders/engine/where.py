"""Where a child was when it was stopped: the lines of the student's code, from a stack dump.

Before any student code runs, the child registers `faulthandler` for WHERE_SIGNAL on a pipe of its
own (graders/engine/child.py). When a check (or the import) runs past its limit, the parent sends
that signal and waits a moment before the kill (graders/engine/parent.py). faulthandler dumps the
stack of every thread from C, without the interpreter's help, so the dump comes even when the code
is inside a C call (time.sleep, a lock, select) or a loop that never returns to Python's signal
handlers. This module reads the dump: of the thread that runs the check, it keeps the frames of the
student's files, and the check's own call into them.

The dump is only ever shown: a student's code that writes on the pipe can at most change what the
message says about where it was, never a verdict.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from graders.kit.failure import Frame

WHERE_SIGNAL: signal.Signals | None = getattr(signal, "SIGUSR1", None)
"""None where there is no such signal (Windows): no dump is asked for there."""
WHERE_SECONDS = 1.0
"""How long the parent waits for the dump before it kills the child all the same."""
QUIET_SECONDS = 0.05
"""A dump has ended when the pipe stays quiet this long."""
MAX_DUMP_BYTES = 64 * 1024
MAX_STUDENT_FRAMES = 6
"""The innermost of the student's frames kept: a deep recursion shows where it went on."""
MAX_SOURCE_BYTES = 1024**2

_FRAME = re.compile(r'^\s*File "(?P<path>.*)", line (?P<line>\d+) in (?P<function>.*)$')
_THREAD = re.compile(r"^(Current thread|Thread) 0x[0-9a-fA-F]+")


CHILD_MODULE = b"graders.engine.child"
"""What the grading child's command line holds, to find it among a sandbox's processes."""


def ask_where(process: subprocess.Popen, where_fd: int, *, sandboxed: bool = False) -> bytes:
    """Ask the child for its stack (WHERE_SIGNAL) and read what it dumps, within WHERE_SECONDS.
    In a sandbox, `process` is bubblewrap, which would die of the signal: the grading child
    among its descendants is asked instead."""
    if WHERE_SIGNAL is None:
        return b""
    targets = grading_children(process.pid) if sandboxed else [process.pid]
    try:
        for pid in targets:
            os.kill(pid, WHERE_SIGNAL)
    except (ProcessLookupError, PermissionError):
        return b""
    if not targets:
        return b""
    data = b""
    deadline = time.monotonic() + WHERE_SECONDS
    while len(data) < MAX_DUMP_BYTES:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([where_fd], [], [], min(left, QUIET_SECONDS) if data else left)
        if not ready:
            if data:
                break
            continue
        try:
            chunk = os.read(where_fd, MAX_DUMP_BYTES)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data[:MAX_DUMP_BYTES]


def grading_children(pid: int) -> list[int]:
    """The descendants of `pid` that run the grading child (not those it forked), from /proc."""
    parents: dict[int, int] = {}
    with contextlib.suppress(OSError):
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError), open(f"/proc/{entry}/stat", "rb") as stat:
                    data = stat.read()
                    parents[int(entry)] = int(data[data.rfind(b")") + 2:].split()[1])
    descendants, todo = [], [pid]
    while todo:
        current = todo.pop()
        children = [child for child, parent in parents.items() if parent == current]
        descendants += children
        todo += children
    found: list[int] = []
    for child in descendants:
        with contextlib.suppress(OSError), open(f"/proc/{child}/cmdline", "rb") as cmdline:
            argv = cmdline.read().split(b"\0")
            if (CHILD_MODULE in argv and not argv[0].endswith(b"bwrap")
                    and parents.get(child) not in found):  # not the child's own forks
                found.append(child)
    return found[:1]


def stopped_at(
    dump: bytes, student_files: list[Path], suite_file: Path | None
) -> tuple[Frame, ...]:
    """The check's call and the student's frames it led to, outermost first, from a dump; () when
    the dump shows none of the student's code."""
    threads = _threads(dump.decode("utf-8", "replace"))
    is_student = _matcher(student_files)
    is_suite = _matcher([suite_file] if suite_file is not None else [])
    # The thread that runs the check holds the suite's frames; else any with the student's code.
    ranked = sorted(threads, key=lambda calls: not any(is_suite(path) for path, _, _ in calls))
    for calls in ranked:
        mine = [index for index, (path, _, _) in enumerate(calls) if is_student(path)]
        if not mine:
            continue
        kept = [calls[index] for index in mine][-MAX_STUDENT_FRAMES:]
        callers = [call for call in calls[: mine[0]] if is_suite(call[0])]
        chosen = ([callers[-1]] if callers else []) + kept
        sources = {_key(str(file)): file for file in (*student_files, suite_file) if file}
        return tuple(
            Frame(f"graders/suites/{Path(path).name}", line, "the check's call",
                  _source_line(sources[_key(path)], line)) if is_suite(path) else
            Frame(Path(path).name, line, function, _source_line(sources[_key(path)], line))
            for path, line, function in chosen
        )
    return ()


def _key(path: str) -> tuple[str, str]:
    """A file as the dump and the parent can both name it: its folder's name and its own (the
    child may see the files at another place than the parent does)."""
    as_path = Path(path)
    return as_path.parent.name, as_path.name


def _threads(text: str) -> list[list[tuple[str, int, str]]]:
    """Each thread's frames, outermost first (faulthandler writes the most recent call first)."""
    threads: list[list[tuple[str, int, str]]] = []
    for line in text.splitlines():
        if _THREAD.match(line):
            threads.append([])
            continue
        match = _FRAME.match(line)
        if match and threads:
            threads[-1].insert(0, (match["path"], int(match["line"]), match["function"]))
    return threads


def _matcher(files: list[Path]) -> Callable[[str], bool]:
    """Whether a path in the dump is one of `files`."""
    wanted = {_key(str(file)) for file in files}
    return lambda path: _key(path) in wanted


def _source_line(path: Path, line: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        with open(path, "rb") as file:
            lines = file.read(MAX_SOURCE_BYTES).decode("utf-8", "replace").splitlines()
        if 0 < line <= len(lines):
            return lines[line - 1].strip()[:200]
    return ""
