"""The fork server inside the bubblewrap sandbox (the parent's side): isolation at the price of a
fork per child, not of an interpreter start and the stack's imports.

Where the sandbox works (graders/engine/sandbox.py), the parent starts one bwrap per grading scope
running `python -m graders.engine.forking --sandboxed ...` with its end of the socket pair, and
each grading child is forked inside it (graders/engine/forking.py): it has the same clean start
as the server outside any sandbox gives, and the sandbox's isolation. A scope is what the sandbox
shows of the submissions, read-only:

- `python -m graders check`: the one submission's exercise folders (those the grader would take:
  no links), so a server serves every exercise of the submission;
- batch grading (graders/teachers/batch.py): where Landlock works with its signal scope (ABI 6 or
  later, graders/engine/landlock.py), one server per worker shows the batch's root, and each
  child closes itself in to its own exercise folder and working folder before it runs anything:
  it cannot read another submission, write outside its folder, or signal or ptrace the server.
  Without Landlock, each submission gets a server of its own (its scope is its own folders).

Between children the server sweeps the sandbox (kills all that the previous child left, empties
its tmpfs and /dev/shm), so nothing one child leaves reaches the next. The pids it answers are
those of its pid namespace: `host_pid` finds the parent's pid of each child in /proc (NSpid), so
that the parent counts, signals (the stack dump on a hang) and kills the child's process group as
it does any child's. A server that fails to fork, stops answering or dies is killed with its whole
sandbox (bwrap's pid 1 takes every process with it) and replaced for the next child, up to
RESTARTS times; past that, or where none can start, each child gets a bwrap of its own, as before.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NoReturn

from graders.engine import forking, forkserver, lanes, sandbox, uploads
from graders.engine.forkserver import ANSWER_SECONDS, ForkServer, ForkServerError
from graders.manifest import PACK_ROOT, find_exercise, load_exercises, locate_in_submission

RESTARTS = 2
"""Sandboxed servers started anew in one process after one failed, before each child gets a
bwrap of its own instead."""
DEFAULT_SUBMISSION = PACK_ROOT / "exercises"
"""What `python -m graders check` grades when no --submission is given."""
SERVER_ARGUMENT = forking.__name__.encode()
"""What the server's command line holds, to find it among the sandbox's processes."""


@dataclass(frozen=True)
class Scope:
    """What one sandboxed server shows of the submissions, and how its children are held."""

    bound: tuple[Path, ...]
    """The folders of submissions bound read-only into the sandbox."""
    landlock: int
    """The Landlock version each child closes itself in with; 0: none (then `bound` is one
    submission's)."""

    @property
    def layer(self) -> str:
        if self.landlock:
            return ("process group forked inside it, closed in by Landlock (its own submission "
                    "and working folder only)")
        return "process group forked inside it (a sandbox for this submission alone)"


@cache
def landlock_version() -> int:
    """The Landlock version children use: the kernel's, where it can scope signals, else 0."""
    from graders.engine import landlock  # ctypes: only where a sandboxed server is started

    found = landlock.abi()
    return found if found >= landlock.SIGNAL_SCOPE_ABI else 0


_batch_root: Path | None = None


def serve_under(root: Path | None) -> None:
    """Batch grading: every submission this process grades is laid out under `root`, which one
    sandbox may show whole where Landlock keeps each child to its own folder."""
    global _batch_root
    _batch_root = None if root is None else root.resolve()


def scope_for(folder: Path, reference: bool = False) -> Scope:
    """The scope of the server that grades the exercise folder `folder`."""
    version = landlock_version()
    real = folder.resolve()
    if version and _batch_root is not None and real.is_relative_to(_batch_root):
        return Scope((_batch_root,), version)
    return Scope(submission_folders(folder.parent, reference, real), version)


def submission_folders(root: Path, reference: bool, graded: Path | None = None) -> tuple[Path, ...]:
    """The exercise folders of the submission `root` that the grader would take (no links, not
    the solutions unless `reference`), with `graded`, resolved."""
    found = {graded} if graded is not None else set()
    for exercise in load_exercises():
        folder = locate_in_submission(exercise, root)
        if folder is not None and uploads.refusal(folder, reference=reference) is None:
            found.add(folder.resolve())
    return tuple(sorted(found))


class SandboxedServer(ForkServer):
    """A fork server in a bwrap of its own, with a tmpfs for its children's folders."""

    def __init__(self, process, connection, scope: Scope, workroot: Path) -> None:
        super().__init__(process, connection)
        self.scope = scope
        self.workroot = workroot
        self.layer = scope.layer
        self._children = 0
        self._server_host_pid: int | None = None

    @classmethod
    def start_in(cls, box: sandbox.Sandbox, scope: Scope, env: Mapping[str, str]
                 ) -> SandboxedServer:
        # A name of its own for the sandbox's tmpfs, which bwrap makes in the sandbox's root: the
        # host needs no folder there (a batch worker, which runs no atexit, would leave it).
        workroot = Path(tempfile.mkdtemp(prefix="awaitlings-sandbox-")).resolve()
        workroot.rmdir()
        outside = os.readlink("/proc/self/ns/pid")
        provided = [exercise.exercise_dir / name for exercise in load_exercises()
                    for name in exercise.provided]

        def command(fd: int) -> list[str]:
            server = [sys.executable, "-m", forking.__name__, str(fd), "--sandboxed",
                      str(workroot), outside]
            return sandbox.sandboxed_command(
                box.bwrap, server, workdir=workroot, env=env, chdir=PACK_ROOT,
                bound=[*scope.bound, *(path for path in provided if path.exists())])

        return cls(*cls.launch(command, env), scope=scope, workroot=workroot)

    def next_workdir(self) -> str:
        """The next child's working folder, in the sandbox's tmpfs (the server makes it)."""
        self._children += 1
        return str(self.workroot / f"child-{self._children}")

    def request_extras(self, argv: Sequence[str], cwd: str) -> dict:
        if not self.scope.landlock:
            return {}
        exercise = find_exercise(argv[3])
        provided = [str(exercise.exercise_dir / name) for name in exercise.provided] \
            if exercise is not None else []
        read = [*sandbox.SYSTEM_FOLDERS, *sandbox.SYSTEM_FILES, *map(str, sandbox.python_folders()),
                *map(str, sandbox.pack_paths()), *provided, str(Path(argv[4]).resolve()), "/proc",
                "/dev"]
        write = [cwd, forking.SHARED_MEMORY, os.devnull]
        return {"landlock": {"version": self.scope.landlock, "read": read, "write": write}}

    def host_pid(self, pid: int) -> int:
        """The parent's pid of the server's child `pid`, from /proc: among the server's children,
        the one whose innermost NSpid is `pid`."""
        if self._server_host_pid is None:
            self._server_host_pid = _find_server(self.process.pid)
        for candidate in _children_of(self._server_host_pid):
            if _innermost_pid(candidate) == pid:
                return candidate
        raise ForkServerError(f"the sandbox's child {pid} is not among the server's children")

    def abandon(self) -> None:
        super().abandon()  # bwrap's pid 1 dies with it (--die-with-parent), and all in it
        with contextlib.suppress(OSError):
            self.process.wait(timeout=ANSWER_SECONDS)


def _find_server(bwrap_pid: int) -> int:
    """The server's pid, among bwrap's descendants (bwrap, its pid 1, then the server)."""
    todo = [bwrap_pid]
    while todo:
        pid = todo.pop()
        with contextlib.suppress(OSError), open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            argv = cmdline.read().split(b"\0")
            if SERVER_ARGUMENT in argv and b"--sandboxed" in argv \
                    and not argv[0].endswith(b"bwrap"):
                return pid
        todo += _children_of(pid)
    raise ForkServerError("the sandboxed fork server is not among bwrap's processes")


def _children_of(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", "rb") as children:
            return [int(child) for child in children.read().split()]
    except OSError:
        return []


def _innermost_pid(pid: int) -> int | None:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status", "rb") as status:
        for line in status:
            if line.startswith(b"NSpid:"):
                return int(line.split()[-1])
    return None


class _Own(threading.local):
    """The server this thread forks its children with, and the process that started it (a batch
    worker, forked from a process with a server, starts its own)."""

    server: SandboxedServer | None = None
    pid: int | None = None


_own = _Own()
_spare: list[tuple[SandboxedServer, int]] = []
"""Servers started ahead (by the early start), each taken by the first thread that needs one of
its scope."""
_started: list[tuple[SandboxedServer, int]] = []
"""Every server this process started, to shut down when it leaves."""
_lock = threading.Lock()
_restarts = 0


def current_server() -> SandboxedServer | None:
    """The server this thread forks with, once it forked a child; None before."""
    return _own.server if _own.server is not None and _own.pid == os.getpid() else None


def server_for(scope: Scope, env: Mapping[str, str]) -> SandboxedServer | None:
    """This thread's sandboxed server for `scope`, started if need be (a server of another scope
    is shut down first: one at a time per thread); None where none can be used. The main thread
    and grading lanes (graders/engine/lanes.py) have one each: a server's answers are read, in
    order, by the thread that asked."""
    global _restarts
    current = threading.current_thread()
    if _early_start is not None and current is not _early_start:
        _early_started.wait()  # the server it started is the one to use
    if not lanes.may_own_servers(current) and current is not _early_start:
        return None
    box = sandbox.chosen()
    if not box.sandboxed or _restarts > RESTARTS or not forkserver.available():
        return None
    server = current_server()
    if server is not None:
        if server.scope == scope and server.usable:
            return server
        if not server.usable:
            _restarts += 1
        shut_down_own()
        if _restarts > RESTARTS:
            return None
    server = _take_spare(scope)
    if server is None:
        try:
            server = _start(box, scope, env)
        except OSError:
            _restarts += 1
            return None
    _own.server, _own.pid = server, os.getpid()
    return server


class GradingServer:
    """One server for the lanes of one grading (graders/engine/parent.py): its children, which
    share the grading's checks, run side by side in one sandbox (the server forks each `beside`
    the others: they grade the same submission), so that a second lane costs no second server,
    whose start would take the core it is meant to use. The server is the first lane's own; a
    lane that finds it unusable takes one of its own, which the others then use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._server: SandboxedServer | None = None

    def get(self, scope: Scope, env: Mapping[str, str]) -> SandboxedServer | None:
        with self._lock:
            server = self._server
            if server is None or server.scope != scope or not server.usable:
                if server is not None:
                    server.beside = False
                server = self._server = server_for(scope, env)
            if server is not None:
                server.beside = True
            return server

    def release(self) -> None:
        """The grading is over: its server forks no child beside another any more."""
        with self._lock:
            if self._server is not None:
                self._server.beside = False
            self._server = None


def _start(box: sandbox.Sandbox, scope: Scope, env: Mapping[str, str]) -> SandboxedServer:
    server = SandboxedServer.start_in(box, scope, env)
    with _lock:
        _started.append((server, os.getpid()))
    return server


def _take_spare(scope: Scope) -> SandboxedServer | None:
    with _lock:
        for index, (server, pid) in enumerate(_spare):
            if pid == os.getpid() and server.scope == scope and server.usable:
                del _spare[index]
                return server
    return None


def shut_down_own() -> None:
    """Shut this thread's server down."""
    server = current_server()
    _own.server = None
    if server is not None:
        server.close()


@atexit.register
def shut_down() -> None:
    """Shut down every server this process started (the threads that used them start new ones,
    if they grade again)."""
    with _lock:
        mine = [server for server, pid in _started if pid == os.getpid()]
        _started.clear()
        _spare.clear()
    _own.server = None
    for server in mine:
        server.close()


def server_environment() -> dict[str, str]:
    """The server's own environment: what a child's is, without its folders."""
    return {**{name: value for name, value in os.environ.items()
               if name in sandbox.KEPT_VARIABLES and name != "TMPDIR"},
            "PYTHONPATH": str(PACK_ROOT), "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}


_early_start: threading.Thread | None = None
"""The thread that waits for the probe of the sandbox while the parent imports, and gives up the
servers started meanwhile if the sandbox does not work here."""
_early_started = threading.Event()


def start_early(submission: Path, reference: bool = False, servers: int = 1) -> None:
    """Start `servers` servers for the submission `submission` now, so that the probe of the
    sandbox and the servers' imports overlap with whatever the parent does before its first
    child (which waits until the probe is done). Each is taken by the first thread that grades
    (the main thread, or one lane each). They are launched here, in the main thread, and only
    the probe runs in a thread: a thread launching them would share the interpreter with the
    command line's own imports, and launch them some 20 to 30 ms later."""
    global _early_start
    if threading.current_thread() is not threading.main_thread() or _early_start is not None:
        return
    with contextlib.suppress(Exception):  # an early start is only a head start
        _start_spares(submission, reference, servers)

    def confirm() -> None:
        try:
            if not sandbox.chosen().sandboxed:  # started while the probe ran: given up
                shut_down()
        except Exception:
            pass
        finally:
            _early_started.set()

    _early_start = threading.Thread(target=confirm, name="awaitlings-sandbox", daemon=True)
    _early_start.start()


def _start_spares(submission: Path, reference: bool, servers: int) -> None:
    likely = sandbox.likely()
    if likely is None or not forkserver.available():
        return
    scope = Scope(submission_folders(submission, reference), landlock_version())
    env = server_environment()
    for _ in range(servers):
        server = _start(likely, scope, env)
        with _lock:
            _spare.append((server, os.getpid()))


def start_for_command_line(argv: Sequence[str]) -> None:
    """`python -m graders check [NN ...] [--submission DIR] [--reference]`: the servers started
    before the command line's own imports (the grader's, the report's), which then overlap with
    the servers' on another core; one per lane that the command will grade in."""
    if not argv or argv[0] != "check":
        return
    import argparse

    class Early(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:  # the command line itself says what is wrong
            raise ValueError(message)

    early = Early(add_help=False)
    early.add_argument("exercises", nargs="*")
    early.add_argument("--submission", type=Path, default=DEFAULT_SUBMISSION)
    early.add_argument("--reference", action="store_true")
    for option in ("--json", "--color", "--colour"):
        early.add_argument(option)
    try:
        known, _ = early.parse_known_args(argv[1:])
    except ValueError:
        return
    named = [number for number in known.exercises if number]  # `make check` passes ""
    start_early(known.submission, known.reference,
                servers=lanes.servers_for(len(named) or len(load_exercises())))


def child_environment(env: Mapping[str, str], workdir: str) -> dict[str, str]:
    """What a child forked in the sandbox gets: what bwrap --clearenv passes a sandboxed child."""
    return {**{name: value for name, value in env.items() if name in sandbox.KEPT_VARIABLES},
            "TMPDIR": workdir, "HOME": workdir, "PWD": workdir}  # bwrap sets PWD too
