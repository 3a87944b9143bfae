"""One grading child, from its start to its end: started (forked inside the sandbox, in a bwrap of
its own, by the plain fork server, or as a program), sent its lines (the token, the scenarios once
it loaded the student's modules, then each check it is to run, from a handout that children side
by side share), and its events collected until it finishes, exits, hangs or takes too much. What
the events mean for the verdicts is graders/engine/parent.py's business.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from graders.engine import processes, sandbox, sandboxserver
from graders.engine.forkserver import ForkServerError
from graders.engine.limits import WORKDIR_BYTES, WORKDIR_ENTRIES, ChildLimits
from graders.engine.processes import Child, Isolation, start_child
from graders.engine.protocol import (
    Event,
    Finished,
    Imported,
    ImportFailed,
    Reader,
    Restart,
    Result,
    Spoilt,
    Start,
)
from graders.engine.where import WHERE_SIGNAL, ask_where
from graders.engine.workdir import usage, working_folder
from graders.kit.scenarios import KEY_VARIABLE
from graders.manifest import PACK_ROOT, Exercise

OUTPUT_TAIL_BYTES = 4096
PROCESS_COUNT_SECONDS = 0.5
"""How often the parent counts the child's processes while it waits for events."""
GROUP_END_SECONDS = 2.0
"""How long the parent waits for a killed sandbox's processes to be gone."""


@dataclass
class Run:
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
    given: list[int] = field(default_factory=list)
    """The checks handed to this child, in order."""

    def tail_text(self) -> str:
        data = self.output_tail
        text = data.decode("utf-8", "replace").strip()
        if self.output_bytes > len(data):
            text = f"[{self.output_bytes:,} bytes printed; the last ones:]\n{text}"
        return text


def _child_command(
    exercise: Exercise, folder: Path, limits: ChildLimits, reference: bool,
    where_fd: int | None = None, compare_each: bool = False,
) -> list[str]:
    where = ["--where-fd", str(where_fd)] if where_fd is not None else []
    return [  # graders/engine/processes.py appends how the results pipe was passed
        sys.executable, "-m", "graders.engine.child", exercise.number, str(folder.resolve()),
        "--max-processes", str(limits.max_processes),
        *(["--reference"] if reference else []), *(["--compare-each"] if compare_each else []),
        *where,
    ]


def _where_pipe() -> tuple[int, int] | None:
    """The pipe on which a child dumps its stack when asked (graders/engine/where.py), where
    there are signals to ask with and descriptors to pass; None elsewhere (Windows)."""
    if not processes.posix_processes() or WHERE_SIGNAL is None:
        return None
    return os.pipe()


def run_child(
    exercise: Exercise, folder: Path, handout: Handout, limits: ChildLimits, deadline: float,
    while_starting: Callable[[], object] = lambda: None, reference: bool = False,
    on_start: Callable[[int], object] = lambda index: None,
    scenarios: Callable[[], str] = lambda: "",
    compare_each: bool = False, shared: sandboxserver.GradingServer | None = None,
) -> Run:
    """Start a child; hand it checks from `handout` one at a time, and collect its events until
    it finishes, exits or hangs. `while_starting` runs here while the child starts up; once it
    loaded the student's modules, it is sent `scenarios()`, the judged checks' scenarios as
    JSON, and its first check. `compare_each`: the child compares the grader's record after
    each check, not only after its last (graders/engine/child.py). `shared`: the sandbox's
    server of the grading, whose lanes fork their children with it."""
    token = secrets.token_hex(16)
    chosen = sandbox.chosen()
    where = _where_pipe()  # the pipe of the child's stack dump, asked for on a hang
    with contextlib.ExitStack() as cleanup:
        try:
            child, watched = _start_child(cleanup, chosen, exercise, folder, limits, reference,
                                          where, compare_each, shared)
        finally:
            if where:
                os.close(where[1])
        _send_line(child.process, token)
        run = Run()
        try:
            while_starting()  # the checks, read while the child loads the student's modules

            def give_next() -> None:
                index = handout.take(run)
                if index is None:
                    _close_input(child.process)  # no more: the child reports it finished
                else:
                    run.given.append(index)
                    _send_line(child.process, str(index))

            def loaded() -> None:  # the scenarios need the checks, and then the first check
                _send_line(child.process, scenarios(), time.monotonic() + limits.check_seconds)
                give_next()

            collect(run, child, limits, deadline, token, on_start, watched, give_next, loaded)
            run.isolation = chosen.around(child.isolation)
            if where and run.ended in ("timeout", "budget", "processes", "disk"):  # where was it?
                run.where_dump = ask_where(child.process, where[0], sandboxed=child.wrapped)
            return run
        finally:
            handout.release(run)
            child.stop()
            if where:
                os.close(where[0])
            if child.wrapped:  # the sandbox's pid 1 takes a moment to end all it holds
                give_up = time.monotonic() + GROUP_END_SECONDS
                while child.process_count() and time.monotonic() < give_up:
                    time.sleep(0.01)


def _start_child(
    cleanup: contextlib.ExitStack, chosen: sandbox.Sandbox, exercise: Exercise, folder: Path,
    limits: ChildLimits, reference: bool, where: tuple[int, int] | None,
    compare_each: bool = False, shared: sandboxserver.GradingServer | None = None,
) -> tuple[Child, Path | None]:
    """The child started, by the first of these that works: forked by a server inside the
    sandbox, in a sandbox of its own, or (no sandbox here) forked by the plain server or started
    as a program. With the working folder the parent must watch (where no tmpfs bounds it)."""
    command = _child_command(exercise, folder, limits, reference, where[1] if where else None,
                             compare_each)
    extra_fds = where[1:] if where else ()
    scope = sandboxserver.scope_for(folder, reference) if chosen.sandboxed else None
    while scope is not None:  # a server that fails is replaced, as long as restarts are left
        own = sandboxserver.server_environment()
        forker = shared.get(scope, own) if shared else sandboxserver.server_for(scope, own)
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


def _send_line(process: subprocess.Popen, line: str, deadline: float | None = None) -> None:
    """A line on the child's stdin: its token, its scenarios, then each check it is to run. A
    child that stops reading (its pipe full) is given until `deadline`: then the line is cut,
    and the child, waiting for the rest, is stopped as any child that hangs."""
    assert process.stdin is not None
    data = line.encode() + b"\n"
    with contextlib.suppress(OSError, ValueError):  # a child that died at once is reported as such
        if deadline is None or not processes.posix_processes():
            process.stdin.write(data)
            process.stdin.flush()
            return
        process.stdin.flush()
        fd = process.stdin.fileno()
        os.set_blocking(fd, False)
        try:
            _write_until(fd, memoryview(data), deadline)
        finally:
            os.set_blocking(fd, True)


def _write_until(fd: int, data: memoryview, deadline: float) -> None:
    while data:
        try:
            data = data[os.write(fd, data):]
        except BlockingIOError:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            select.select([], [fd], [], left)


def _close_input(process: subprocess.Popen) -> None:
    with contextlib.suppress(OSError, ValueError):
        if process.stdin is not None:
            process.stdin.close()


def collect(
    run: Run, child: Child, limits: ChildLimits, deadline: float, token: str,
    on_start: Callable[[int], object] = lambda index: None, workdir: Path | None = None,
    give_next: Callable[[], object] = lambda: None, loaded: Callable[[], object] = lambda: None,
) -> Run:
    """The child's events, into `run`, until it finishes, exits or hangs; its modules loaded
    bring it its scenarios and first check (`loaded`), and each result of the check it was last
    given the next (`give_next`). Every PROCESS_COUNT_SECONDS the
    parent counts its processes and, where no sandbox's tmpfs bounds it, measures its
    `workdir`: a child past either limit is stopped."""
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
                if isinstance(event, Imported):
                    loaded()
                if isinstance(event, Start):
                    with contextlib.suppress(Exception):  # only a display: it judges nothing
                        on_start(event.index)
                if isinstance(event, Result) and run.given and event.index == run.given[-1]:
                    give_next()
                if isinstance(event, Finished | ImportFailed | Restart | Spoilt):
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


class Handout:
    """The checks of one grading not yet given to a child, handed out one at a time to the
    first child that asks (children side by side share one exercise's checks). Checks that share
    a draw (Check.draw: the same runs, observed once per process and judged in parts) go to the
    child that took the first of them, which then makes those runs once: a child that asks while
    only those are left gets none, and finishes. The first child takes the checks from the
    first on, the others from the last back (those given back first), so that two children meet
    in the middle, the long checks at either end split between them."""

    def __init__(self) -> None:
        self._count = 0
        self._taken: set[int] = set()
        self._returned: list[int] = []
        self._closed = False
        self._draws: list[str] = []
        self._claims: dict[str, object] = {}
        """Each draw, by the child (its Run) that took a check of it and still runs."""
        self._front: object = None
        """The child that takes from the first check on; None until one takes."""
        self._lock = threading.Lock()

    @classmethod
    def of(cls, count: int, draws: Sequence[str] = ()) -> Handout:
        handout = cls()
        handout.set_count(count, draws)
        return handout

    def set_count(self, count: int, draws: Sequence[str] = ()) -> None:
        """`count` checks, the one at index i of draw `draws[i]` (missing or "": its own)."""
        with self._lock:
            self._count, self._draws = count, list(draws)

    def take(self, child: object = None) -> int | None:
        """The next check for `child` (a Run; None: any child): one of a draw it has taken, or
        else the next whose draw no other child has taken; None when there is none."""
        with self._lock:
            if self._front is None:
                self._front = child
            pending = self._pending(from_last=child is not self._front)
            mine = {draw for draw, owner in self._claims.items() if owner is child}
            index = next((i for i in pending if self._draw(i) in mine), None)
            if index is None:
                index = next((i for i in pending
                              if self._claims.get(self._draw(i), child) is child), None)
            if index is None:
                return None
            self._taken.add(index)
            if index in self._returned:
                self._returned.remove(index)
            if child is not None:
                self._claims.setdefault(self._draw(index), child)
            return index

    def release(self, child: object) -> None:
        """`child` ended: the draws it took go to whichever child asks next."""
        with self._lock:
            self._claims = {draw: owner for draw, owner in self._claims.items()
                            if owner is not child}
            if self._front is child:
                self._front = None

    def give_back(self, indices: Sequence[int]) -> None:
        """Checks handed to a child whose results do not hold, or that it never started: the
        next child takes them first, in order."""
        with self._lock:
            for index in sorted(indices):
                self._taken.discard(index)
                if index not in self._returned:
                    self._returned.append(index)

    def close(self) -> None:
        """No check is handed out any more (the others are failed with the reason)."""
        with self._lock:
            self._closed = True
            self._returned.clear()

    @property
    def empty(self) -> bool:
        return self.left == 0

    @property
    def left(self) -> int:
        """How many checks are still to be handed out."""
        with self._lock:
            return len(self._pending())

    def _pending(self, from_last: bool = False) -> list[int]:
        if self._closed:
            return []
        fresh = [i for i in range(self._count) if i not in self._taken and i not in self._returned]
        return [*self._returned, *(reversed(fresh) if from_last else fresh)]

    def _draw(self, index: int) -> str:
        draw = self._draws[index] if index < len(self._draws) else ""
        return draw or f"#{index}"
