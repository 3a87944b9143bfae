"""What the child refuses: an audit hook installed before the student's code runs.

`Guard` is an audit hook (PEP 578, which Python code cannot remove) with a fixed policy,
installed by graders/engine/child.py after the grader's own modules are loaded and before the
first line of the student's code runs. The student's code may not start programs, fork more than
a few processes or fork from a forked process, leave its process group, signal processes outside
it, raise its limits, write files outside the child's working folder, talk to anything but
loopback, or read the reference solutions. Each attempt is refused (PermissionError; for a
connection or a name lookup off this machine, the ConnectionRefusedError or socket.gaierror a
client expects from a network out of reach, so that it fails at once as it would) and recorded,
and the check it happened in fails with what was tried, even when the student's code swallowed
the exception. What counts as this machine is decided by graders/engine/loopback.py. What the
child compares after its checks (the integrity record) is graders/engine/integrity.py.

Neither holds against a determined attacker who runs code in this process and studies the grader
(it can reach any object in memory); SECURITY.md says what they do and do not buy.
"""

from __future__ import annotations

import errno
import os
import socket
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import FunctionType, ModuleType

from graders.engine.loopback import (
    ONLY_THIS_MACHINE,
    is_local_lookup,
    is_loopback_address,
    is_loopback_host,
)
from graders.engine.stopgaps import SolutionsFinder


def _blockbuster_skip() -> object:
    """blockbuster's per-thread switch that lets a wrapped function through unchecked."""
    import blockbuster.blockbuster as blockbuster_module

    return blockbuster_module._skip


# ctypes may look up Python's own C API (the grader's blockbuster does, through forbiddenfruit);
# any other C function (fork, open, kill, syscall, ...) would do what the audit hook refuses.
_C_API_PREFIXES = ("Py", "_Py")
_PROGRAM_EVENTS = frozenset(
    {"os.exec", "os.posix_spawn", "os.spawn", "os.system", "subprocess.Popen", "os.startfile",
     "pty.spawn", "_winapi.CreateProcess"}
)
_PATH_EVENTS = {  # event -> positions, among its arguments, of the paths it changes
    "os.remove": (0,), "os.rmdir": (0,), "os.mkdir": (0,), "os.rename": (0, 1),
    "os.link": (0, 1), "os.symlink": (1,), "os.chmod": (0,), "os.chown": (0,),
    "os.truncate": (0,), "os.utime": (0,), "os.chflags": (0,), "os.lchflags": (0,),
    "os.setxattr": (0,), "os.removexattr": (0,), "shutil.rmtree": (0,), "os.mkfifo": (0,),
    "os.mknod": (0,),
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_DIRECTORY_FLAGS = os.O_DIRECTORY | getattr(os, "O_PATH", 0)
_WRITABLE_DEVICES = ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty")


@dataclass(frozen=True)
class Policy:
    """What the student's code may do in the child."""

    workdir: Path
    """The child's own temporary folder: the only place it may write."""
    forbidden: Path | None
    """The reference solutions, in a checkout; None when the submission is one of them."""
    max_processes: int
    """Forks the child may make in all (multiprocessing, a process pool); never a program."""
    hidden: tuple[Path, ...] = ()
    """Other folders that hold the solutions (the nbgrader sources, .git): read like them."""


class Guard:
    """The audit hook's state: what was refused, and how many processes were started."""

    def __init__(
        self,
        policy: Policy,
        student_files: Callable[[], Iterable[str]],
        protected_modules: Iterable[str] = (),
        on_refusal: Callable[[str], None] = lambda entry: None,
    ) -> None:
        self.policy = policy
        self._student_files = student_files
        self._on_refusal = on_refusal
        self._protected = frozenset(protected_modules)
        # By their globals, which a function cannot change (its __module__ it can).
        self._protected_globals = frozenset(
            id(vars(sys.modules[name])) for name in self._protected
            if isinstance(sys.modules.get(name), ModuleType)
        )
        self._pid = os.getpid()
        self._pgid = os.getpgid(0) if hasattr(os, "getpgid") else None  # None on Windows
        self._ppid = os.getppid()  # the grader, or in a sandbox its pid 1: in the group, not ours
        self._getpid = os.getpid
        self._realpath = os.path.realpath
        self._forks = 0
        self.refused: list[str] = []
        self.read_solution = False
        self._workdir = self._realpath(policy.workdir)
        self._forbidden = self._realpath(policy.forbidden) if policy.forbidden else None
        self._hidden = tuple(self._realpath(path) for path in policy.hidden)
        self._handlers: dict[str, Callable[[tuple], None]] = {
            "os.fork": self._on_fork, "os.forkpty": self._on_fork,
            "os.kill": self._on_kill, "os.killpg": self._on_killpg,
            "resource.setrlimit": self._on_limits, "resource.prlimit": self._on_limits,
            "ctypes.dlsym": self._on_dlsym, "ctypes.dlsym/handle": self._on_dlsym,
            "open": self._on_open, "import": self._on_import,
            "sys.settrace": partial(self._on_hook, "a trace function (sys.settrace)"),
            "sys.setprofile": partial(self._on_hook, "a profile function (sys.setprofile)"),
            "sys.addaudithook": partial(self._on_hook, "an audit hook (sys.addaudithook)"),
            "socket.connect": partial(self._on_address, "connect to", _connection_refused),
            "socket.sendto": partial(self._on_address, "send to", _connection_refused),
            "socket.sendmsg": partial(self._on_address, "send to", _connection_refused),
            "socket.bind": partial(self._on_address, "listen on", PermissionError),
            "socket.getaddrinfo": self._on_lookup, "socket.gethostbyname": self._on_lookup,
            "socket.gethostbyaddr": self._on_reverse_lookup,
            "socket.getnameinfo": lambda args: self._on_reverse_lookup(args[0][:1] if args else ()),
            "object.__setattr__": self._on_setattr,
        }
        for event in _PROGRAM_EVENTS:
            self._handlers[event] = self._on_program
        for event in _PATH_EVENTS:
            self._handlers[event] = partial(self._on_path_change, event)

    def install(self) -> None:
        _forbid_unaudited_calls(self)
        handlers = self._handlers
        self._handled = tuple(handlers.items())
        skip_blocking_detector = _blockbuster_skip()

        def audit(event: str, args: tuple) -> None:
            handler = handlers.get(event)
            if handler is None:
                return
            # The guard's own look at a path (realpath) is not the student's blocking call:
            # blockbuster, active during asyncio checks, must not see it.
            was = skip_blocking_detector.value
            skip_blocking_detector.value = True
            try:
                handler(args)
            finally:
                skip_blocking_detector.value = was

        sys.addaudithook(audit)
        self._hook = audit
        # importlib.import_module raises no "import" event; in a sandbox no file is opened either.
        sys.meta_path.insert(0, SolutionsFinder(self._on_import))

    def own_state(self) -> tuple:
        """What the guard decides with, for graders/engine/stopgaps.py to compare: code that
        empties its table of handlers or its hook's closure turns the guard off."""
        hook = self._hook
        cells = tuple(cell.cell_contents for cell in hook.__closure__ or ())
        return (hook.__code__, cells, tuple(self._handlers.items()), self._handled, self.policy,
                self._workdir, self._forbidden, self._hidden, self._protected_globals, self._pid,
                self._pgid, self._ppid, self._getpid, self._realpath, self._student_files)

    def take_refused(self) -> list[str]:
        refused, self.refused = self.refused, []
        return refused

    def refuse(self, what: str, error: Callable[[str], BaseException] = PermissionError) -> None:
        """Record `what` and raise `error`: PermissionError, or for the network the error a
        client expects from a network it cannot reach, so that it fails at once as it would."""
        where = self._student_line()
        entry = f"{what}{where}"
        if entry not in self.refused and len(self.refused) < 50:
            self.refused.append(entry)
            self._on_refusal(entry)  # told at once: the check may still hang or die after this
        raise error(f"the grader does not allow this: {what}")

    def _student_line(self) -> str:
        files = set(self._student_files())
        frame = sys._getframe(2)
        while frame is not None:
            if frame.f_code.co_filename in files:
                return f" (at {Path(frame.f_code.co_filename).name}:{frame.f_lineno})"
            frame = frame.f_back
        return ""

    def _on_fork(self, args: tuple) -> None:
        if self._getpid() != self._pid:
            self.refuse("fork a process from a forked process")
        self._forks += 1
        if self._forks > self.policy.max_processes:
            self.refuse(f"start more than {self.policy.max_processes} processes")

    def _on_program(self, args: tuple) -> None:
        program = args[0] if args else "?"
        if isinstance(program, list | tuple):
            program = program[0] if program else "?"
        self.refuse(f"start the program {program!r}")

    def _on_kill(self, args: tuple) -> None:
        pid = args[0]
        if pid == self._ppid:
            self.refuse(f"send a signal to process {pid}, outside the grading process")
        if pid in (0, self._getpid()) or (pid < 0 and -pid == self._pgid):
            return
        try:
            same_group = pid > 0 and self._pgid is not None and os.getpgid(pid) == self._pgid
        except OSError:
            return  # no such process: the call fails by itself
        if not same_group:
            self.refuse(f"send a signal to process {pid}, outside the grading process")

    def _on_killpg(self, args: tuple) -> None:
        if args[0] not in (0, self._pgid):
            self.refuse(f"send a signal to process group {args[0]}")

    def _on_limits(self, args: tuple) -> None:
        self.refuse("change the grading process's limits")

    def _on_hook(self, what: str, args: tuple) -> None:
        caller = sys._getframe(1)
        while caller is not None and caller.f_code.co_filename == __file__:
            caller = caller.f_back  # past the audit hook, to whoever made the call
        if caller is None or id(caller.f_globals) not in self._protected_globals:
            self.refuse(f"install {what}")  # the grader's own may: graders.kit.atimport does

    def _on_dlsym(self, args: tuple) -> None:
        name = args[-1] if args else None
        if not (isinstance(name, str) and name.startswith(_C_API_PREFIXES)):
            self.refuse(f"call the C function {name} through ctypes")

    def _on_import(self, args: tuple) -> None:
        name = args[0]
        if self._forbidden and isinstance(name, str) and name.split(".")[0] == "solutions":
            self._refuse_solution(name)

    def _on_open(self, args: tuple) -> None:
        path, mode, flags = (*args, None, None, None)[:3]
        if isinstance(path, int) or path is None:
            return
        real = self._realpath(os.fsdecode(path))
        if self._forbidden and (
            _inside(real, self._forbidden) or any(_inside(real, h) for h in self._hidden)
        ):
            self._refuse_solution(os.fsdecode(path))
        if isinstance(flags, int) and (flags & _DIRECTORY_FLAGS or os.path.isdir(real)) and not (
            self._may_write(real)
        ):
            # A name relative to a descriptor of this folder would get past every path check.
            self.refuse(f"open the folder {os.fsdecode(path)}, outside the grading folder")
        writing = any(c in mode for c in "wax+") if isinstance(mode, str) else bool(
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        if writing and not (self._may_write(real) or os.fsdecode(path) in _WRITABLE_DEVICES):
            self.refuse(f"write the file {os.fsdecode(path)}, outside the grading folder")

    def _on_path_change(self, event: str, args: tuple) -> None:
        for position in _PATH_EVENTS[event]:
            path = args[position] if position < len(args) else None
            if isinstance(path, str | bytes | os.PathLike) and not self._may_write(
                self._realpath(os.fsdecode(path))
            ):
                self.refuse(f"change {os.fsdecode(path)}, outside the grading folder")

    def _may_write(self, real: str) -> bool:
        return _inside(real, self._workdir) or real in _WRITABLE_DEVICES

    def _refuse_solution(self, what: str) -> None:
        self.read_solution = True
        self.refuse(f"load the reference solution ({what})")

    def _on_address(
        self, verb: str, error: Callable[[str], BaseException], args: tuple
    ) -> None:
        address = args[1] if len(args) > 1 else None
        if isinstance(address, str | bytes):  # AF_UNIX
            path = os.fsdecode(address)
            if path.startswith("\0") or not _inside(self._realpath(path), self._workdir):
                self.refuse(f"{verb} the socket {path!r}")
            return
        if isinstance(address, tuple) and address and not is_loopback_address(address):
            host = os.fsdecode(address[0]) if isinstance(address[0], bytes) else address[0]
            self.refuse(f"{verb} {host or 'every address'}: {ONLY_THIS_MACHINE}", error)

    def _on_lookup(self, args: tuple) -> None:
        host = args[0] if args else None
        if not is_local_lookup(host):
            shown = os.fsdecode(host) if isinstance(host, bytes) else host
            self.refuse(f"look up {shown}: {ONLY_THIS_MACHINE}", _lookup_refused)

    def _on_reverse_lookup(self, args: tuple) -> None:
        """The name of an address: asks a name server unless the address is this machine's."""
        address = args[0] if args else None
        if not is_loopback_host(address):
            self.refuse(f"look up the name of {address}: {ONLY_THIS_MACHINE}", _lookup_refused)

    def _on_setattr(self, args: tuple) -> None:
        target, name = args[0], args[1]
        if (
            name in ("__code__", "__defaults__", "__kwdefaults__")
            and isinstance(target, FunctionType)
            and id(target.__globals__) in self._protected_globals
        ):
            module = target.__globals__.get("__name__", "?")
            self.refuse(f"change {name} of {module}.{target.__qualname__}")


def _inside(real: str, folder: str) -> bool:
    return real == folder or real.startswith(folder.rstrip("/") + "/")


def _connection_refused(message: str) -> ConnectionRefusedError:
    return ConnectionRefusedError(errno.ECONNREFUSED, message)


def _lookup_refused(message: str) -> socket.gaierror:
    return socket.gaierror(socket.EAI_NONAME, message)


def _forbid_unaudited_calls(guard: Guard) -> None:
    """Calls that no audit event covers are replaced by refusals, in every module that has them:
    leaving the process group (setsid, setpgid) would escape the parent's kill, and
    _posixsubprocess.fork_exec starts a program without the event subprocess.Popen raises."""

    def leaving(*args: object, **kwargs: object) -> None:
        guard.refuse("leave the grading process's group (setsid, setpgid)")

    def starting(*args: object, **kwargs: object) -> None:
        guard.refuse("start a program (_posixsubprocess.fork_exec)")

    try:
        import _posixsubprocess
        import posix
    except ImportError:  # Windows: no process groups to leave; _winapi.CreateProcess is audited
        return
    for name in ("setsid", "setpgid", "setpgrp"):
        for module in (os, posix):
            if hasattr(module, name):
                setattr(module, name, leaving)
    fork_exec = _posixsubprocess.fork_exec
    for module in list(sys.modules.values()):  # and its private aliases (subprocess._fork_exec)
        namespace = getattr(module, "__dict__", None) or {}
        for key in [key for key, value in namespace.items() if value is fork_exec]:
            namespace[key] = starting
