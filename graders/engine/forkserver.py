"""A warm process that forks grading children, as multiprocessing's forkserver does (POSIX).

Starting `python -m graders.engine.child` costs an interpreter start and the import of the stack
(aiohttp, requests, looptime, blockbuster, the suites): nearly all of a grading's time, since the
checks run on virtual time. The fork server pays for that once per grading process. The parent
starts it lazily, on its first child (`server()`), and it lives as long as the parent: across the
exercises of one `python -m graders check`, across the submissions of one batch worker. For each
child the parent sends a request on a Unix socket, with the child's pipes as file descriptors
(SCM_RIGHTS); the server imports what the child will need (graders.engine.child and the
exercise's suite, each once), forks, and answers with the child's pid. The child, before it runs
any of the grader's code, is made as clean as an exec'd one (`_become_child`): its own session and
process group, the limits of graders/engine/limits.py, its descriptors exactly those asked for
(0, 1, 2, the results pipe), the environment, working folder, sys.path, sys.argv and standard
streams of `python -m graders.engine.child`; then it runs that module as __main__.

What keeps a verdict trustworthy: the server never runs a check and never imports a student's
module, so each child forks from the same untouched state, and nothing a child did reaches the
next one. A child cannot reach the server: it closes the control socket before anything else runs,
and its descriptors are only those given. The server reaps a child only when the parent waits for
it, as Popen does, so the parent's kill of the child's process group (graders/engine/processes.py)
never hits a reused pid. Where the server cannot be used (no fork, not the main thread, the server
failing to start or to answer), graders/engine/processes.py starts the child as a program, as
before: no grading is ever lost to the server.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import io
import json
import os
import selectors
import signal
import socket
import struct
import subprocess
import sys
import threading
import traceback
from collections.abc import Mapping, Sequence
from typing import IO, Any, NoReturn

from graders.engine.limits import limit_child

CHILD_MODULE = "graders.engine.child"
ANSWER_SECONDS = 10.0
"""How long the parent waits for the server to fork (its first imports included) before it gives
up on it and starts the child as a program."""
MAX_FDS = 16
_LENGTH = struct.Struct("!I")
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


# --- the parent's side -------------------------------------------------------------------------


class ForkServerError(Exception):
    """The server could not fork this child: start it as a program instead."""


class ForkServer:
    """The parent's connection to its fork server."""

    def __init__(self, process: subprocess.Popen, connection: socket.socket) -> None:
        self.process = process
        self._connection = connection
        self._pending = b""
        self._exits: dict[int, int] = {}
        self._broken = False

    @classmethod
    def start(cls, env: Mapping[str, str]) -> ForkServer:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(theirs.fileno())], env=dict(env),
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                cwd=PACKAGE_ROOT,
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return cls(process, ours)

    @property
    def usable(self) -> bool:
        return not self._broken and self.process.poll() is None

    def fork(
        self, argv: Sequence[str], *, env: Mapping[str, str], cwd: str, memory_bytes: int,
        cpu_seconds: int, fds: Mapping[int, int],
    ) -> tuple[int, tuple[str, ...]]:
        """Fork a child running `argv` (a `python -m graders.engine.child ...`) with `fds` (its
        descriptor number: ours) in place; its pid and the limits that held."""
        request = {
            "op": "fork", "argv": list(argv), "env": dict(env), "cwd": cwd,
            "memory_bytes": memory_bytes, "cpu_seconds": cpu_seconds,
            "targets": list(fds),
        }
        try:
            self._send(request, list(fds.values()))
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
        deadline = None if timeout is None else _monotonic() + timeout
        while pid not in self._exits:
            if self._read_message(deadline) is None:
                return None
        return self._exits.pop(pid)

    def close(self) -> None:
        """Shut the server down: it kills any child left and exits when the socket closes."""
        with contextlib.suppress(OSError):
            self._connection.close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _send(self, message: dict, fds: list[int]) -> None:
        data = json.dumps(message).encode()
        frame = _LENGTH.pack(len(data)) + data
        self._connection.settimeout(ANSWER_SECONDS)  # the server reads at once, or is stuck
        sent = socket.send_fds(self._connection, [frame], fds) if fds else 0
        self._connection.sendall(frame[sent:])

    def _receive_answer(self, timeout: float) -> dict:
        deadline = _monotonic() + timeout
        while True:
            message = self._read_message(deadline)
            if message is None:
                raise TimeoutError(f"no answer within {timeout:.0f} s")
            if "exited" not in message:
                return message

    def _read_message(self, deadline: float | None) -> dict | None:
        """One message from the server, or None once `deadline` passed (a read is tried even
        then); exits are noted, to be taken by `wait`."""
        while True:
            message, self._pending = _take_frame(self._pending)
            if message is not None:
                if "exited" in message:
                    self._exits[int(message["exited"])] = int(message["returncode"])
                return message
            left = None if deadline is None else max(0.0, deadline - _monotonic())
            self._connection.settimeout(left)
            try:
                chunk = self._connection.recv(65536)
            except (TimeoutError, BlockingIOError):
                return None
            if not chunk:
                self._broken = True
                raise OSError("the fork server closed its socket")
            self._pending += chunk


class ForkedProcess:
    """A forked child, as much of a subprocess.Popen as the parent uses: pid, stdin, stdout,
    returncode, wait, poll, kill."""

    def __init__(self, server: ForkServer, pid: int, stdin: IO[bytes], stdout: IO[bytes]) -> None:
        self.pid = pid
        self.stdin: IO[bytes] | None = stdin
        self.stdout: IO[bytes] | None = stdout
        self.returncode: int | None = None
        self._server = server
        self._asked = False

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            try:
                status = self._server.wait(self.pid, timeout, self._asked)
            except (OSError, ValueError):  # the server is gone: it killed its children first
                status = -signal.SIGKILL
            self._asked = True
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
    pass_fds: Sequence[int],
) -> tuple[ForkedProcess, tuple[str, ...]] | None:
    """Fork the child `argv` from this process's server, with stdin and stdout piped (stderr to
    stdout) and `pass_fds` at their numbers, as graders/engine/processes.py's Popen would start
    it; the process and the limits that held. None where the server cannot do it: start it as a
    program then."""
    if not is_child_command(argv):
        return None
    forker = server(env)
    if forker is None:
        return None
    stdin_read, stdin_write = os.pipe()
    output_read, output_write = os.pipe()
    fds = {0: stdin_read, 1: output_write, 2: output_write, **{fd: fd for fd in pass_fds}}
    try:
        pid, held = forker.fork(argv, env=env, cwd=cwd, memory_bytes=memory_bytes,
                                cpu_seconds=cpu_seconds, fds=fds)
    except ForkServerError:
        forget_broken_server()
        os.close(stdin_write)
        os.close(output_read)
        return None
    finally:
        os.close(stdin_read)
        os.close(output_write)
    stdin = open(stdin_write, "wb")  # noqa: SIM115 (the parent closes it, as Popen's)
    stdout = open(output_read, "rb")  # noqa: SIM115 (the streams close it)
    return ForkedProcess(forker, pid, stdin, stdout), held


_server: ForkServer | None = None
_server_pid: int | None = None
_failed = False


def server(env: Mapping[str, str]) -> ForkServer | None:
    """This process's fork server, started on first use; None where none can be used (then the
    child is started as a program). Only the main thread uses it: its answers are read in order."""
    global _server, _server_pid, _failed
    if not available() or _failed or threading.current_thread() is not threading.main_thread():
        return None
    if _server is not None and _server_pid == os.getpid() and _server.usable:
        return _server
    if _server is not None and _server_pid == os.getpid():  # it died: one more try, no more
        _shut_down()
        _failed = True
        return None
    try:  # a forked copy of a process with a server (a batch worker) starts its own
        server_env = {key: value for key, value in env.items() if key not in CHILD_ONLY}
        _server, _server_pid = ForkServer.start(server_env), os.getpid()
    except OSError:
        _failed = True
        return None
    atexit.register(_shut_down)
    return _server


def forget_broken_server() -> None:
    """After a failed fork: the next child is started as a program, and so on for this process."""
    global _failed
    _failed = True
    _shut_down()


def _shut_down() -> None:
    global _server
    if _server is not None and _server_pid == os.getpid():
        _server.close()
    _server = None


def _monotonic() -> float:
    import time

    return time.monotonic()


def _take_frame(buffer: bytes) -> tuple[dict | None, bytes]:
    if len(buffer) < _LENGTH.size:
        return None, buffer
    (length,) = _LENGTH.unpack_from(buffer)
    end = _LENGTH.size + length
    if len(buffer) < end:
        return None, buffer
    return json.loads(buffer[_LENGTH.size:end]), buffer[end:]


# --- the server's side -------------------------------------------------------------------------


class _Server:
    """The loop of the server: fork on request, reap on request, stop when the parent goes."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.pending = b""
        self.fds: list[int] = []
        self.children: set[int] = set()
        self.waited: set[int] = set()
        self.wakeup_read, self.wakeup_write = os.pipe()
        os.set_blocking(self.wakeup_write, False)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        signal.set_wakeup_fd(self.wakeup_write)
        self.selector = selectors.DefaultSelector()
        self.selector.register(connection, selectors.EVENT_READ, "request")
        self.selector.register(self.wakeup_read, selectors.EVENT_READ, "child")

    def serve(self) -> None:
        try:
            while self._serve_once():
                pass
        finally:
            for pid in self.children:  # the parent went without stopping them
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)
                with contextlib.suppress(OSError):
                    os.waitpid(pid, 0)

    def _serve_once(self) -> bool:
        for key, _ in self.selector.select(timeout=1.0):
            if key.data == "child":
                with contextlib.suppress(OSError):
                    os.read(self.wakeup_read, 4096)
                continue
            try:
                data, fds, _, _ = socket.recv_fds(self.connection, 65536, MAX_FDS)
            except OSError:
                return False
            self.fds.extend(fds)
            if not data:
                return False
            self.pending += data
            while True:
                request, self.pending = _take_frame(self.pending)
                if request is None:
                    break
                self._handle(request)
        self._reap_waited()
        return True

    def _handle(self, request: dict) -> None:
        if request.get("op") == "wait":
            self.waited.add(int(request["pid"]))
            return
        count = len(request["targets"])
        fds, self.fds = self.fds[:count], self.fds[count:]
        try:
            _warm_up(_suite_of(request["argv"]))
            self._fork(request, fds)
        except Exception as error:  # answered: the parent starts this child as a program
            self._answer({"error": f"{type(error).__name__}: {error}"})
            return
        finally:
            for fd in fds:
                os.close(fd)

    def _fork(self, request: dict, fds: list[int]) -> None:
        note_read, note_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(note_read)
            _become_child(self, request, dict(zip(request["targets"], fds, strict=True)),
                          note_write)
        os.close(note_write)
        self.children.add(pid)
        with open(note_read, "rb") as note:  # the child closes it once its limits are set
            held = [name for name in note.read().decode().split(",") if name]
        self._answer({"forked": pid, "held": held})

    def _reap_waited(self) -> None:
        for pid in list(self.waited):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, status = pid, 0
            if done:
                self.waited.discard(pid)
                self.children.discard(pid)
                self._answer({"exited": pid, "returncode": os.waitstatus_to_exitcode(status)})

    def _answer(self, message: dict) -> None:
        data = json.dumps(message).encode()
        self.connection.sendall(_LENGTH.pack(len(data)) + data)

    def close_in_child(self) -> None:
        """What only the server holds, closed in a child before any of its own code runs."""
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        self.selector.close()
        self.connection.close()
        for fd in (self.wakeup_read, self.wakeup_write, *self.fds):
            with contextlib.suppress(OSError):
                os.close(fd)


def _warm_up(modules: Sequence[str]) -> None:
    """Import what the children import: graders.engine.child's imports and these modules. The
    child module itself is left out of sys.modules, as it is in `python -m graders.engine.child`,
    where it runs as __main__ only."""
    import graders.engine

    for module in (CHILD_MODULE, *modules):
        importlib.import_module(module)
    sys.modules.pop(CHILD_MODULE, None)
    with contextlib.suppress(AttributeError):
        delattr(graders.engine, CHILD_MODULE.rpartition(".")[2])


def _suite_of(argv: Sequence[str]) -> list[str]:
    """The suite the child will import (its exercise's), imported here first, once for all the
    children that grade this exercise; none when the exercise is unknown (the child says so)."""
    from graders.manifest import find_exercise

    exercise = find_exercise(argv[3]) if len(argv) > 3 else None
    return [exercise.suite_name] if exercise is not None else []


def _become_child(
    server: _Server, request: dict, fds: dict[int, int], note_write: int
) -> NoReturn:
    """In the forked child: be what `python -m graders.engine.child` would be, then run it."""
    code = 1
    try:
        server.close_in_child()
        os.setsid()
        try:
            held = limit_child(request["memory_bytes"], request["cpu_seconds"])
        except Exception:  # as in processes.limit_child_quietly: the grading goes on
            held = []
        with contextlib.suppress(OSError):
            os.write(note_write, ",".join(held).encode())
        os.close(note_write)
        _place_descriptors(fds)
        _set_up_interpreter(request)
        code = _run_child_module(request["argv"][3:])
    except BaseException:
        with contextlib.suppress(BaseException):
            traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _place_descriptors(fds: dict[int, int]) -> None:
    """Exactly the descriptors asked for, at their numbers (as pass_fds and Popen's pipes give
    an exec'd child); every other descriptor is closed, so nothing of the server stays open."""
    import fcntl

    above = max(fds) + 1
    staged = {target: fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, above) for target, fd in fds.items()}
    for target, fd in staged.items():
        os.dup2(fd, target, inheritable=True)
    for fd in range(3, above):
        if fd not in fds:
            with contextlib.suppress(OSError):
                os.close(fd)
    os.closerange(above, _max_fd())


def _max_fd() -> int:
    try:
        return min(os.sysconf("SC_OPEN_MAX"), 65536)
    except (OSError, ValueError):
        return 4096


def _set_up_interpreter(request: dict) -> None:
    """What an interpreter started as `python -m graders.engine.child` with this environment
    and working folder would have: environ, cwd, sys.path[0], the standard streams as
    PYTHONUNBUFFERED and PYTHONIOENCODING=utf-8 make them, no bytecode written."""
    env: dict[str, str] = request["env"]
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(env)
    sys.path[0] = os.getcwd()
    sys.dont_write_bytecode = bool(env.get("PYTHONDONTWRITEBYTECODE"))
    if "tempfile" in sys.modules:  # gettempdir() is cached: the child's is its own TMPDIR
        sys.modules["tempfile"].tempdir = None
    encoding = "utf-8"
    unbuffered = bool(env.get("PYTHONUNBUFFERED"))
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(
        open(0, "rb", closefd=False), encoding=encoding, newline="\n"  # noqa: SIM115
    )
    streams: list[Any] = []
    for fd, errors in ((1, "strict"), (2, "backslashreplace")):
        raw: Any = io.FileIO(fd, "wb", closefd=False)
        streams.append(io.TextIOWrapper(
            raw if unbuffered else io.BufferedWriter(raw), encoding=encoding, errors=errors,
            newline="\n", write_through=unbuffered,
        ))
    sys.stdout = sys.__stdout__ = streams[0]
    sys.stderr = sys.__stderr__ = streams[1]


def _run_child_module(arguments: list[str]) -> int:
    """Run graders.engine.child as __main__ with these arguments, as `-m` does; its exit code."""
    import runpy

    sys.argv = ["-m", *arguments]  # runpy puts the module's file first, as -m does
    try:
        runpy.run_module(CHILD_MODULE, run_name="__main__", alter_sys=True)
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            return exit_.code or 0
        print(exit_.code, file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> None:
    arguments = sys.argv[1:] if argv is None else argv
    connection = socket.socket(fileno=int(arguments[0]))
    _warm_up(())
    _Server(connection).serve()


if __name__ == "__main__":
    main()
