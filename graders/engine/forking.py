"""The fork server's own process (graders/engine/forkserver.py is the parent's side): its loop,
and how a forked child makes itself what `python -m graders.engine.child` would be.

The loop waits on its socket and on SIGCHLD. A "fork" request brings the child's descriptors
(SCM_RIGHTS) and what its interpreter would have: argv, environment, working folder, limits. The
server imports graders.engine.child's imports and the exercise's suite (each once: the next child
of that exercise forks warm), forks, and answers with the pid and the limits that held. A "wait"
request is answered when that child has ended, and only then is it reaped, as Popen does. When the
parent goes (its end of the socket closes), the server kills what is left and exits. The server
is not dumpable: no child, though it runs as the same user, can ptrace it or read its memory.

Inside the sandbox (`--sandboxed WORKROOT`, started by graders/engine/sandboxserver.py in one bwrap
for many children) the server also keeps the sandbox clean between children. Before each fork and
after each child is reaped it sweeps: it kills every other process of the sandbox's pid namespace
(`kill(-1)`: all but itself and bwrap's pid 1, which reaps them), waits until they are gone, and
empties the size-limited tmpfs WORKROOT and /dev/shm. A fork asked for `beside` the children still
running (two children of one grading, which share its submission's checks) sweeps nothing, and
neither does the reaping of a child while another runs: the sandbox is swept once none runs, so
what a child leaves never reaches a child of another grading. Each child gets a new folder of its
own in WORKROOT, and, where the parent asks, closes itself in with Landlock (graders/engine/
landlock.py) before it runs anything: so nothing one child leaves, or writes, reaches the next
one (of another grading; one beside it may find what it left in the sandbox's processes).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import selectors
import signal
import socket
import struct
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from graders.engine.limits import limit_child
from graders.engine.workdir import remove

CHILD_MODULE = "graders.engine.child"
MAX_FDS = 16
"""The most descriptors one request brings (0, 1, 2, the results pipe, and a few more)."""
SWEEP_SECONDS = 2.0
"""How long a sweep waits for the killed processes of the sandbox to be gone; past it the server
leaves, and the parent ends the whole sandbox (bwrap's pid 1 takes everything with it)."""
SHARED_MEMORY = "/dev/shm"
_LENGTH = struct.Struct("!I")


@dataclass(frozen=True)
class Sandboxed:
    """A server inside a sandbox of its own, sweeping it between children."""

    workroot: str
    """The sandbox's tmpfs, in which each child gets a new folder."""


class SandboxNotSwept(RuntimeError):
    """Some process of the sandbox would not go: no child may start beside it."""


def send_frame(connection: socket.socket, message: dict, fds: Sequence[int] = ()) -> None:
    """One message, its length first, with `fds` riding on its first bytes."""
    data = json.dumps(message).encode()
    frame = _LENGTH.pack(len(data)) + data
    sent = socket.send_fds(connection, [frame], list(fds)) if fds else 0
    connection.sendall(frame[sent:])


def take_frame(buffer: bytes) -> tuple[dict | None, bytes]:
    if len(buffer) < _LENGTH.size:
        return None, buffer
    (length,) = _LENGTH.unpack_from(buffer)
    end = _LENGTH.size + length
    if len(buffer) < end:
        return None, buffer
    return json.loads(buffer[_LENGTH.size:end]), buffer[end:]


class _Server:
    """The loop of the server: fork on request, reap on request, stop when the parent goes."""

    def __init__(self, connection: socket.socket, sandboxed: Sandboxed | None = None) -> None:
        self.connection = connection
        self.sandboxed = sandboxed
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
                request, self.pending = take_frame(self.pending)
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
            warm_up(suite_of(request["argv"]))
            read_ahead()  # before the fork: a child asked for beside this one is not kept waiting
            if self.sandboxed is not None:
                if not (request.get("beside") and self.children):
                    self._sweep()
                self._make_workdir(request["cwd"])
            from graders.engine import stopgaps  # the server's alone: the parent imports this

            stopgaps.forget_if_stale()  # module too, and needs none of it
            self._fork(request, fds)
        except Exception as error:  # answered: the parent starts this child as a program
            self._answer({"error": f"{type(error).__name__}: {error}"})
            if isinstance(error, SandboxNotSwept):
                raise  # the server leaves: no child may start in an unclean sandbox
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
            said = note.read().decode()
        if said.startswith(_REFUSED):  # it could not close itself in, and left
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            self.children.discard(pid)
            raise OSError(said.removeprefix(_REFUSED))
        held = [name for name in said.split(",") if name]
        self._answer({"forked": pid, "held": held})

    def _make_workdir(self, cwd: str) -> None:
        """The child's own new folder, directly in the sandbox's tmpfs (emptied by the sweep)."""
        assert self.sandboxed is not None
        if os.path.dirname(os.path.normpath(cwd)) != self.sandboxed.workroot:
            raise ValueError(f"a child's folder must be in {self.sandboxed.workroot}: {cwd}")
        os.mkdir(cwd, 0o700)

    def _sweep(self) -> None:
        """Kill every process of the sandbox but this one and bwrap's pid 1, wait until they are
        gone, and empty the sandbox's writable folders."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGKILL)  # within this pid namespace only: checked at start
        deadline = time.monotonic() + SWEEP_SECONDS
        while _others_alive(self.children):
            if time.monotonic() > deadline:
                raise SandboxNotSwept("processes of an earlier child would not end")
            time.sleep(0.002)
        assert self.sandboxed is not None
        for folder in (self.sandboxed.workroot, SHARED_MEMORY):
            with contextlib.suppress(OSError), os.scandir(folder) as entries:
                for entry in list(entries):
                    remove(Path(entry.path))

    def _reap_waited(self) -> None:
        for pid in list(self.waited):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, status = pid, 0
            if done:
                self.waited.discard(pid)
                self.children.discard(pid)
                if self.sandboxed is not None and not self.children:  # what it left goes
                    self._sweep()  # before the parent hears, unless a sibling still runs
                self._answer({"exited": pid, "returncode": os.waitstatus_to_exitcode(status)})

    def _answer(self, message: dict) -> None:
        send_frame(self.connection, message)

    def close_in_child(self) -> None:
        """What only the server holds, closed in a child before any of its own code runs."""
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        self.selector.close()
        self.connection.close()
        for fd in (self.wakeup_read, self.wakeup_write, *self.fds):
            with contextlib.suppress(OSError):
                os.close(fd)


def _others_alive(children: set[int]) -> bool:
    """Whether a process of this pid namespace other than this one and pid 1 is still there;
    zombies of this server's children that no one waits for are reaped on the way."""
    me = os.getpid()
    alive = False
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in (1, me):
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                data = stat.read()
        except OSError:
            continue  # gone meanwhile
        fields = data[data.rfind(b")") + 2:].split()
        if fields[0] == b"Z" and int(fields[1]) == me and int(entry) not in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(int(entry), 0)
            continue
        if fields[0] != b"Z" or int(fields[1]) != me:  # a zombie of ours stays for its wait
            alive = True
    return alive


def warm_up(modules: Sequence[str]) -> None:
    """Import what the children import: graders.engine.child's imports and these modules. The
    child module itself is left out of sys.modules, as it is in `python -m graders.engine.child`,
    where it runs as __main__ only."""
    import graders.engine

    for module in (CHILD_MODULE, *modules):
        suite = getattr(importlib.import_module(module), "SUITE", None)
        for name in getattr(suite, "child_imports", ()):  # what its checks import when they run
            importlib.import_module(name)
    sys.modules.pop(CHILD_MODULE, None)
    with contextlib.suppress(AttributeError):
        delattr(graders.engine, CHILD_MODULE.rpartition(".")[2])


def read_ahead() -> None:
    """The integrity record of the modules loaded now (graders/engine/integrity.py), and what
    the children's stopgaps would read under the guard's audit hook (graders/engine/
    stopgaps.py), taken once here, before the fork: every child of an exercise inherits them
    and records only what changed since, and the server answers a second child at once."""
    from graders.engine import integrity, stopgaps  # imported by warm_up, as the child's

    if stopgaps.read_with_modules() == len(sys.modules):
        return
    with contextlib.suppress(Exception):  # only a head start: a child reads what is missing
        stopgaps.read_before(integrity.before_fork().values())


def suite_of(argv: Sequence[str]) -> list[str]:
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
        from graders.engine import landlock  # imported by the server at its start (ctypes)

        closed_in = request.get("landlock")
        if closed_in:
            try:
                landlock.restrict(closed_in["read"], closed_in["write"],
                                  version=closed_in["version"])
            except OSError as error:  # never run believed closed in: the parent falls back
                os.write(note_write, f"{_REFUSED}{error}".encode())
                os._exit(1)
        if server.sandboxed is not None:
            landlock.set_dumpable(True)  # as an exec'd child is; the server stays undumpable
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


_REFUSED = "!"
"""What a child writes on its note, before why, when it could not close itself in."""


def sandboxed_from(arguments: list[str]) -> Sandboxed | None:
    """`--sandboxed WORKROOT OUTSIDE_PID_NAMESPACE`: a server that sweeps, which it only does in
    a pid namespace of its own (kill(-1) outside one would reach every process of the user)."""
    if "--sandboxed" not in arguments:
        return None
    at = arguments.index("--sandboxed")
    workroot, outside = arguments[at + 1], arguments[at + 2]
    if os.readlink("/proc/self/ns/pid") == outside or os.getpid() == 1:
        raise SystemExit("a sweeping fork server needs a pid namespace of its own")
    return Sandboxed(os.path.normpath(workroot))


def main(argv: list[str] | None = None) -> None:
    arguments = sys.argv[1:] if argv is None else argv
    connection = socket.socket(fileno=int(arguments[0]))
    try:
        from graders.engine import landlock  # here only: the parent imports this module too

        sandboxed = sandboxed_from(arguments)
        with contextlib.suppress(OSError):
            landlock.set_dumpable(False)
        warm_up(())
        _Server(connection, sandboxed).serve()
    finally:  # nothing to finalize: a server holding the stack would take a while to
        os._exit(0)


if __name__ == "__main__":
    main()
