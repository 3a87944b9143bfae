"""A warm process that forks grading children, as multiprocessing's forkserver does (POSIX): the
parent's side. The server's own process is graders/engine/forking.py.

Starting `python -m graders.engine.child` costs an interpreter start and the import of the stack
(aiohttp, requests, looptime, blockbuster, the suites): nearly all of a grading's time, since the
checks run on virtual time. The fork server pays for that once per grading process. The parent
starts it lazily, on its first child (`server()`), one per thread that grades (the main thread,
or each lane of graders/engine/lanes.py), and it lives as long as that thread: across the
exercises of one `python -m graders check`, across the submissions of one batch worker. For each
child the parent sends a request on a Unix socket, with the child's pipes as file descriptors
(SCM_RIGHTS); the server imports what the child will need (graders.engine.child and the
exercise's suite, each once), forks, and answers with the child's pid. The child, before it runs
any of the grader's code, is made as clean as an exec'd one (graders/engine/forking.py): its own
session and process group, the limits of graders/engine/limits.py, its descriptors exactly those
asked for (0, 1, 2, the results pipe), the environment, working folder, sys.path, sys.argv and
standard streams of `python -m graders.engine.child`; then it runs that module as __main__.

What keeps a verdict trustworthy: the server never runs a check and never imports a student's
module, so each child forks from the same untouched state, and nothing a child did reaches the
next one. A child cannot reach the server: it closes the control socket before anything else runs,
and its descriptors are only those given. The server reaps a child only when the parent waits for
it, as Popen does, so the parent's kill of the child's process group (graders/engine/processes.py)
never hits a reused pid. Where the server cannot be used (no fork, a thread that is neither the
main one nor a grading lane, the server failing to start or to answer), graders/engine/
processes.py starts the child as a program, as before: no grading is ever lost to the server.

A command wrapped by a sandbox (graders/engine/sandbox.py's bubblewrap) is not the plain child
command, so this process's server never forks it. Where the sandbox works, the same server runs
inside one bwrap instead (graders/engine/sandboxserver.py, a subclass of ForkServer): then the
pids it answers are those of the sandbox's pid namespace, and `host_pid` gives the parent's.
"""

from __future__ import annotations

import atexit
import compileall
import contextlib
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import IO

from graders.engine import forking, lanes
from graders.engine.forking import CHILD_MODULE, send_frame, take_frame
from graders.manifest import import_suite

ANSWER_SECONDS = 10.0
"""How long the parent waits for the server to fork (its first imports included) before it gives
up on it and starts the child as a program."""
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
"""Where `graders` is: the server's working folder, so that its sys.path[0] adds nothing."""
CHILD_ONLY = ("TMPDIR", "TEMP", "TMP")
"""What of a child's environment is the child's alone: the server gets the rest."""


def available() -> bool:
    """Whether this Python can fork and pass descriptors: POSIX with socket.send_fds."""
    return (
        hasattr(os, "fork") and hasattr(socket, "send_fds") and hasattr(socket, "AF_UNIX")
        and hasattr(os, "setsid") and sys.platform != "win32"
    )


def is_child_command(command: Sequence[str]) -> bool:
    """Whether `command` is the plain grading child, which the server can fork (a command wrapped
    by a sandbox is started as a program)."""
    return list(command[:3]) == [sys.executable, "-m", CHILD_MODULE]


@cache
def compile_the_grader() -> None:
    """The grader's modules compiled where Python looks for them (graders/**/__pycache__), once
    per process, for the servers to read: they and their children never write bytecode (the pack
    is read-only in the sandbox), so a module no process compiled before would be compiled from
    its source by every server, each time (about 0.15 s of the stack's start). Costs a few
    milliseconds when they are current; where the pack cannot be written, nothing is lost."""
    with contextlib.suppress(Exception):
        compileall.compile_dir(Path(PACKAGE_ROOT, "graders"), quiet=2)


class ForkServerError(Exception):
    """The server could not fork this child: start it as a program instead."""


class ForkServer:
    """The parent's connection to its fork server."""

    def __init__(self, process: subprocess.Popen, connection: socket.socket) -> None:
        self.process = process
        self._connection = connection
        connection.settimeout(ANSWER_SECONDS)  # for sends: the server reads at once, or is stuck
        self._pending = b""
        self._exits: dict[int, int] = {}
        self._answers: list[dict] = []
        self._broken = False
        # Two lanes of one grading may fork with one server (`beside`): one request at a time,
        # one thread reading at a time, and every message kept for the thread it is for.
        self._forking = threading.Lock()
        self._sending = threading.Lock()
        self._read = threading.Condition()
        self._reading = False
        self.beside = False
        """Whether each child may run beside those still running: they grade one submission
        (graders/engine/sandboxserver.py's GradingServer says so for the time of a grading)."""

    @classmethod
    def start(cls, env: Mapping[str, str]) -> ForkServer:
        return cls(*cls.launch(lambda fd: [sys.executable, "-m", forking.__name__, str(fd)], env))

    @staticmethod
    def launch(
        command: Callable[[int], list[str]], env: Mapping[str, str]
    ) -> tuple[subprocess.Popen, socket.socket]:
        """Start `command(fd)`, the server with its end of a new socket pair at `fd`; the
        process and the parent's end."""
        compile_the_grader()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            process = subprocess.Popen(
                command(theirs.fileno()), env=dict(env), pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True, cwd=PACKAGE_ROOT,
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return process, ours

    @property
    def usable(self) -> bool:
        return not self._broken and self.process.poll() is None

    layer = "process group"
    """How a child it forks is held, for the report (graders/engine/processes.py's Isolation)."""

    def host_pid(self, pid: int) -> int:
        """The pid the parent knows the child by: the same, for a server outside any sandbox."""
        return pid

    def request_extras(self, argv: Sequence[str], cwd: str) -> dict:
        """What else a fork request of this server says (nothing, outside a sandbox)."""
        return {}

    def abandon(self) -> None:
        """Give up on a server that stopped answering: kill it (its children were killed)."""
        self._broken = True
        with contextlib.suppress(OSError):
            self.process.kill()

    def fork(
        self, argv: Sequence[str], *, env: Mapping[str, str], cwd: str, memory_bytes: int,
        cpu_seconds: int, fds: Mapping[int, int], while_forking: Callable[[], object],
    ) -> tuple[int, tuple[str, ...]]:
        """Fork a child running `argv` (a `python -m graders.engine.child ...`) with `fds` (its
        descriptor number: ours) in place; its pid and the limits that held. `while_forking`
        runs here while the server imports and forks. With `beside` set, a sandbox's server
        leaves the children still running be (graders/engine/forking.py)."""
        request = {
            "op": "fork", "argv": list(argv), "env": dict(env), "cwd": cwd,
            "memory_bytes": memory_bytes, "cpu_seconds": cpu_seconds,
            "targets": list(fds), "beside": self.beside, **self.request_extras(argv, cwd),
        }
        try:
            with self._forking:
                self._send(request, list(fds.values()))
                with contextlib.suppress(Exception):  # the parent's own business, judged later
                    while_forking()
                answer = self._receive_answer(ANSWER_SECONDS)
        except (OSError, ValueError, TimeoutError) as error:
            self._broken = True
            raise ForkServerError(f"the fork server did not answer: {error}") from error
        if "error" in answer:
            raise ForkServerError(str(answer["error"]))
        return int(answer["forked"]), tuple(str(name) for name in answer["held"])

    def wait(self, pid: int, timeout: float | None, asked: bool) -> int | None:
        """The child's exit status (as Popen's returncode), once it ended and the server reaped
        it; None when `timeout` ran out first. `asked`: whether this pid's wait was sent."""
        if not asked:
            self._send({"op": "wait", "pid": pid}, [])
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self._read_until(lambda: pid in self._exits, deadline):
            return None
        with self._read:
            return self._exits.pop(pid)

    def close(self) -> None:
        """Shut the server down: it kills any child left and exits when the socket closes."""
        with contextlib.suppress(OSError):
            self._connection.close()
        try:  # it leaves at once (children are stopped before): a wait costs nothing
            self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _send(self, message: dict, fds: list[int]) -> None:
        with self._sending:
            send_frame(self._connection, message, fds)

    def _receive_answer(self, timeout: float) -> dict:
        """The answer to the fork request just sent (one is sent at a time)."""
        if not self._read_until(lambda: bool(self._answers), time.monotonic() + timeout):
            raise TimeoutError(f"no answer within {timeout:.0f} s")
        with self._read:
            return self._answers.pop(0)

    def _read_until(self, ready: Callable[[], bool], deadline: float | None) -> bool:
        """Read the server's messages until `ready()` (asked with the messages' lock held), or
        False once `deadline` passed (a read is tried even then). One thread reads at a time;
        the others wait for what it read, and one of them reads on when it stops."""
        while True:
            with self._read:
                while not ready():
                    if not self._reading:
                        break
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        return False
                    self._read.wait(left)
                else:
                    return True
                self._reading = True
            try:
                read = self._read_some(deadline)
            finally:
                with self._read:
                    self._reading = False
                    self._read.notify_all()
            if not read:
                with self._read:
                    return ready()

    def _read_some(self, deadline: float | None) -> bool:
        """The messages that came, kept (exits for `wait`, answers for `fork`); False when none
        came before `deadline`."""
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not select.select([self._connection], [], [], left)[0]:
            return False
        chunk = self._connection.recv(65536)
        if not chunk:
            self._broken = True
            raise OSError("the fork server closed its socket")
        with self._read:
            self._pending += chunk
            while True:
                message, self._pending = take_frame(self._pending)
                if message is None:
                    return True
                if "exited" in message:
                    self._exits[int(message["exited"])] = int(message["returncode"])
                else:
                    self._answers.append(message)


class ForkedProcess:
    """A forked child, as much of a subprocess.Popen as the parent uses: pid, stdin, stdout,
    returncode, wait, poll, kill. `pid` is the parent's (what it counts, signals and kills);
    `served_pid` the server's, which differs inside a sandbox's pid namespace."""

    def __init__(self, server: ForkServer, pid: int, stdin: IO[bytes], stdout: IO[bytes],
                 served_pid: int | None = None) -> None:
        self.pid = pid
        self.served_pid = pid if served_pid is None else served_pid
        self.stdin: IO[bytes] | None = stdin
        self.stdout: IO[bytes] | None = stdout
        self.returncode: int | None = None
        self._server = server
        self._asked = False

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            # Never for ever: a wait without end (after a kill) is bounded by the server's
            # answer, and a server that does not give it is given up on.
            bounded = ANSWER_SECONDS if timeout is None else timeout
            try:
                status = self._server.wait(self.served_pid, bounded, self._asked)
            except (OSError, ValueError):  # the server is gone: it killed its children first
                status = -signal.SIGKILL
            self._asked = True
            if status is None and timeout is None:
                self._server.abandon()
                status = -signal.SIGKILL
            if status is None:
                raise subprocess.TimeoutExpired(CHILD_MODULE, timeout or 0.0)
            self.returncode = status
        return self.returncode

    def poll(self) -> int | None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            return self.wait(timeout=0)
        return None

    def kill(self) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(self.pid, signal.SIGKILL)


def start_forked(
    argv: Sequence[str], env: Mapping[str, str], cwd: str, memory_bytes: int, cpu_seconds: int,
    pass_fds: Sequence[int], forker: ForkServer | None = None,
) -> tuple[ForkedProcess, tuple[str, ...]] | None:
    """Fork the child `argv` from `forker` (by default this process's server), with stdin and
    stdout piped (stderr to stdout) and `pass_fds` at their numbers, as graders/engine/
    processes.py's Popen would start it; the process and the limits that held. None where the
    server cannot do it: start it as a program then."""
    if not is_child_command(argv):
        return None
    own = forker is None
    forker = forker or server(env)
    if forker is None:
        return None
    stdin_read, stdin_write = os.pipe()
    output_read, output_write = os.pipe()
    fds = {0: stdin_read, 1: output_write, 2: output_write, **{fd: fd for fd in pass_fds}}
    try:
        pid, held = forker.fork(argv, env=env, cwd=cwd, memory_bytes=memory_bytes,
                                cpu_seconds=cpu_seconds, fds=fds,
                                while_forking=lambda: _import_suite_of(argv))
        host_pid = forker.host_pid(pid)
    except ForkServerError:
        if own:
            forget_broken_server()
        else:
            forker.abandon()
        os.close(stdin_write)
        os.close(output_read)
        return None
    finally:
        os.close(stdin_read)
        os.close(output_write)
    stdin = open(stdin_write, "wb")  # noqa: SIM115 (the parent closes it, as Popen's)
    stdout = open(output_read, "rb")  # noqa: SIM115 (the streams close it)
    return ForkedProcess(forker, host_pid, stdin, stdout, served_pid=pid), held


def _import_suite_of(argv: Sequence[str]) -> None:
    """The parent's own import of the suite, which it reads the checks from, done while the
    server imports it too: the two overlap, as they do when the child is started as a program."""
    for module in forking.suite_of(argv):
        import_suite(module)


class _Own(threading.local):
    """The server of this thread, and the process that started it."""

    server: ForkServer | None = None
    pid: int | None = None


_own = _Own()
_started: list[tuple[ForkServer, int]] = []
"""Every server this process started, to shut down when it leaves."""
_started_lock = threading.Lock()
_failed = False


def current() -> ForkServer | None:
    """This thread's server, once started; None before (or in a forked copy of the process)."""
    return _own.server if _own.server is not None and _own.pid == os.getpid() else None


def server(env: Mapping[str, str]) -> ForkServer | None:
    """This thread's fork server, started on first use; None where none can be used (then the
    child is started as a program). The main thread and grading lanes (graders/engine/lanes.py)
    have one each: a server's answers are read in order by the thread that asked."""
    global _failed
    if not available() or _failed or not lanes.may_own_servers():
        return None
    own = current()
    if own is not None and own.usable:
        return own
    if own is not None:  # it died: one more try, no more
        shut_down_own()
        _failed = True
        return None
    try:  # a forked copy of a process with a server (a batch worker) starts its own
        server_env = {key: value for key, value in env.items() if key not in CHILD_ONLY}
        started = ForkServer.start(server_env)
    except OSError:
        _failed = True
        return None
    _own.server, _own.pid = started, os.getpid()
    with _started_lock:
        _started.append((started, os.getpid()))
    return started


def forget_broken_server() -> None:
    """After a failed fork: the next child is started as a program, and so on for this process."""
    global _failed
    _failed = True
    shut_down_own()


def shut_down_own() -> None:
    """Shut this thread's server down."""
    own = current()
    _own.server = None
    if own is not None:
        own.close()


@atexit.register
def _shut_down() -> None:
    """Shut down every server this process started."""
    with _started_lock:
        mine = [started for started, pid in _started if pid == os.getpid()]
        _started.clear()
    _own.server = None
    for started in mine:
        started.close()

