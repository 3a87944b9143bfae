"""Starting, watching and stopping a grading child, on each platform.

POSIX (Linux, macOS): the child starts in a new session, its own process group, with the limits
of graders/engine/limits.py set before it runs any Python (preexec_fn); the results pipe is passed
as a file descriptor (pass_fds); the parent waits on both pipes with a selector, counts the group's
processes through /proc where there is one (not on macOS), and kills the whole group.

Windows has no process groups, preexec_fn or pass_fds, and its select() takes sockets only. The
results pipe is passed as an inherited handle (STARTUPINFO's handle_list), which the child opens
with msvcrt.open_osfhandle (`results_fd`); a thread reads each pipe; the child runs in a job
object (pywin32's win32job, the maintained binding of the Win32 API) that caps its memory, CPU
time and processes, counts them, and kills them all at once. Without pywin32, or where the job
cannot be made, the child is a single process with the wall-clock kill alone.

The portable path is taken wherever the POSIX calls are missing, not only on Windows: that is how
the pack's tests run it on Linux (tests/test_platforms.py). What held is said by `Isolation`,
which the report shows.
"""

from __future__ import annotations

import contextlib
import os
import queue
import selectors
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from graders.engine import forkserver
from graders.engine import limits as limits_module
from graders.engine.limits import ChildLimits

READ_BYTES = 1024**2
WINDOWS = sys.platform == "win32"


@dataclass(frozen=True)
class Isolation:
    """What held around a child, for the report: a teacher learns what a grading on this machine
    could rely on. A layer that wraps the child's command (a sandbox) adds itself with `wrapped`."""

    layers: tuple[str, ...]
    """How the child is kept apart, outermost first: "process group", "job object", "single
    process"."""
    limits: tuple[str, ...]
    """The limits that held: "memory", "CPU time", "processes", "file size", "core dumps"."""
    without: str = ""
    """What was missing, and why ("no sandbox, the guard alone (bubblewrap is not installed)")."""

    def wrapped(self, layer: str) -> Isolation:
        return Isolation((layer, *self.layers), self.limits, self.without)

    def describe(self) -> str:
        held = ", ".join(self.limits) if self.limits else "none"
        missing = f"; {self.without}" if self.without else ""
        return f"Isolation: {' in '.join(self.layers)}; limits held: {held}{missing}."


def posix_processes() -> bool:
    """Whether this Python has what the POSIX path needs: sessions, group kills, resource limits."""
    return (
        not WINDOWS
        and limits_module.resource is not None
        and all(hasattr(os, name) for name in ("setsid", "killpg"))
    )


def results_fd(fd: int | None, handle: int | None) -> int:
    """The child's end of the results pipe: a descriptor it inherited (POSIX), or a descriptor
    opened on the handle it inherited (Windows)."""
    if handle is not None:
        import msvcrt

        return msvcrt.open_osfhandle(handle, os.O_WRONLY)
    if fd is None:
        raise SystemExit("the results pipe was not given (--results-fd or --results-handle)")
    return fd


class Child:
    """A started child: its two pipes ("results" and "output"), its process count, its kill."""

    def __init__(
        self, process: subprocess.Popen, streams: _Streams, isolation: Isolation,
        job: _Job | None = None,
    ) -> None:
        self.process = process
        self.isolation = isolation
        self._streams = streams
        self._job = job
        self._group = any(layer.startswith("process group") for layer in isolation.layers)
        self.wrapped = False
        """Whether `process` is a sandbox's bwrap around the child (set by the parent)."""

    def read(self, timeout: float) -> list[tuple[str, bytes]]:
        """What came on the pipes within `timeout` s, as (stream, chunk); b"" when one closed."""
        return self._streams.read(timeout)

    def process_count(self) -> int | None:
        """How many live processes the child is, with what it forked; None where it cannot be
        counted (macOS, or Windows without a job object)."""
        if self._job is not None:
            return self._job.process_count()
        if self._group:
            return _group_size(self.process.pid)
        return None

    def stop(self) -> None:
        """Kill the child with every process it started, wait for it, close the pipes."""
        if self._job is not None:
            self._job.kill()
        if self._group:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        else:
            with contextlib.suppress(OSError):
                self.process.kill()
        self.process.wait()
        self._streams.close()


def start_child(
    command: Sequence[str], *, env: Mapping[str, str], cwd: str, limits: ChildLimits,
    extra_fds: Sequence[int] = (), forker: forkserver.ForkServer | None = None,
) -> Child:
    """Start `command` (a `python -m graders.engine.child ...`) with the results pipe's argument
    appended, its stdin and stdout piped, as this platform can hold it. `extra_fds` are passed
    too, on the POSIX path only (the pipe for the child's stack dump). With `forker`, the child
    is forked by that server (one inside a sandbox) or not started at all (ForkServerError)."""
    read_fd, write_fd = os.pipe()
    try:
        if forker is not None:
            started = _start_forked(command, env, cwd, limits, write_fd, tuple(extra_fds), forker)
            if started is None:
                raise forkserver.ForkServerError("the sandboxed fork server could not fork")
            process, isolation, job = started
        elif posix_processes():
            process, isolation, job = (
                _start_forked(command, env, cwd, limits, write_fd, tuple(extra_fds))
                or _start_posix(command, env, cwd, limits, write_fd, tuple(extra_fds))
            )
        else:
            process, isolation, job = _start_portable(command, env, cwd, limits, write_fd)
    except BaseException:
        os.close(read_fd)
        raise
    finally:
        os.close(write_fd)
    assert process.stdout is not None
    results = open(read_fd, "rb", buffering=0)  # noqa: SIM115 (the streams close it)
    pipes = {"results": results, "output": process.stdout}
    streams = _SelectorStreams(pipes) if posix_processes() else _ThreadStreams(pipes)
    return Child(process, streams, isolation, job)


_PIPED: dict[str, Any] = {
    "stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.STDOUT,
}


def _start_posix(
    command: Sequence[str], env: Mapping[str, str], cwd: str, limits: ChildLimits, write_fd: int,
    extra_fds: tuple[int, ...] = (),
) -> tuple[subprocess.Popen, Isolation, None]:
    # The child tells which limits held on a pipe of its own: preexec_fn has no other way out,
    # and its end closes by itself at exec.
    note_read, note_write = os.pipe()

    def in_child() -> None:  # between fork and exec: nothing here may raise
        held = limit_child_quietly(limits)
        with contextlib.suppress(OSError):
            os.write(note_write, ",".join(held).encode())

    with open(note_read, "rb") as note:
        try:
            process = subprocess.Popen(
                [*command, "--results-fd", str(write_fd)], **_PIPED,
                pass_fds=(write_fd, *extra_fds), cwd=cwd, env=env, start_new_session=True,
                preexec_fn=in_child,
            )
        finally:
            os.close(note_write)
        held = tuple(name for name in note.read().decode().split(",") if name)
    return process, Isolation(("process group",), held), None


def _start_forked(
    command: Sequence[str], env: Mapping[str, str], cwd: str, limits: ChildLimits, write_fd: int,
    extra_fds: tuple[int, ...] = (), forker: forkserver.ForkServer | None = None,
) -> tuple[Any, Isolation, None] | None:
    """The same child forked by a warm server (graders/engine/forkserver.py; `forker`, or this
    process's own), held the same way; None where the server cannot fork it."""
    forked = forkserver.start_forked(
        [*command, "--results-fd", str(write_fd)], env, cwd, limits.memory_bytes,
        limits.cpu_seconds, pass_fds=(write_fd, *extra_fds), forker=forker,
    )
    if forked is None:
        return None
    process, held = forked
    layer = forker.layer if forker is not None else forkserver.ForkServer.layer
    return process, Isolation((layer,), held), None


def limit_child_quietly(limits: ChildLimits) -> list[str]:
    try:
        return limits_module.limit_child(limits.memory_bytes, limits.cpu_seconds)
    except Exception:  # whatever the platform does, the grading goes on without limits
        return []


def _start_portable(
    command: Sequence[str], env: Mapping[str, str], cwd: str, limits: ChildLimits, write_fd: int
) -> tuple[subprocess.Popen, Isolation, _Job | None]:
    if WINDOWS:
        import msvcrt

        handle = msvcrt.get_osfhandle(write_fd)
        os.set_handle_inheritable(handle, True)  # handle_list takes only inheritable handles
        passing: dict[str, Any] = {
            "startupinfo": subprocess.STARTUPINFO(lpAttributeList={"handle_list": [handle]}),
        }
        argument = ["--results-handle", str(handle)]
    else:  # POSIX calls missing but not Windows: how the tests run this path on Linux
        passing, argument = {"pass_fds": (write_fd,)}, ["--results-fd", str(write_fd)]
    process = subprocess.Popen([*command, *argument], **_PIPED, cwd=cwd, env=env, **passing)
    # The child waits for its token on stdin before it runs any student code, so it is in the
    # job before it can start anything.
    job = _Job.holding(process, limits)
    if job is None:
        return process, Isolation(("single process",), ()), None
    return process, Isolation(("job object",), job.limits), job


class _Job:
    """A Windows job object: the child and all it starts, capped, counted and killed together."""

    def __init__(self, handle: Any, limits: tuple[str, ...]) -> None:
        self._handle = handle
        self.limits = limits

    @classmethod
    def holding(cls, process: subprocess.Popen, limits: ChildLimits) -> _Job | None:
        """A job holding `process`, or None where there is none (no pywin32, not Windows, or the
        system refused): the grading goes on with the wall-clock kill alone."""
        try:
            import win32api
            import win32con
            import win32job
        except ImportError:
            return None
        try:
            job = win32job.CreateJobObject(None, "")
            info = win32job.QueryInformationJobObject(
                job, win32job.JobObjectExtendedLimitInformation
            )
            basic = info["BasicLimitInformation"]
            basic["LimitFlags"] |= (
                win32job.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
                | win32job.JOB_OBJECT_LIMIT_JOB_MEMORY
                | win32job.JOB_OBJECT_LIMIT_JOB_TIME
                | win32job.JOB_OBJECT_LIMIT_ACTIVE_PROCESS
            )
            basic["ActiveProcessLimit"] = limits.max_processes + 1
            basic["PerJobUserTimeLimit"] = limits.cpu_seconds * 10_000_000  # 100 ns units
            info["JobMemoryLimit"] = limits.memory_bytes
            win32job.SetInformationJobObject(
                job, win32job.JobObjectExtendedLimitInformation, info
            )
            access = win32con.PROCESS_SET_QUOTA | win32con.PROCESS_TERMINATE
            child = win32api.OpenProcess(access, False, process.pid)
            win32job.AssignProcessToJobObject(job, child)
            win32api.CloseHandle(child)
        except Exception:  # pywin32 raises pywintypes.error
            return None
        return cls(job, ("memory", "CPU time", "processes"))

    def process_count(self) -> int | None:
        import win32job

        try:
            accounting = win32job.QueryInformationJobObject(
                self._handle, win32job.JobObjectBasicAccountingInformation
            )
        except Exception:
            return None
        return int(accounting["ActiveProcesses"])

    def kill(self) -> None:
        import win32job

        with contextlib.suppress(Exception):
            win32job.TerminateJobObject(self._handle, 1)
        with contextlib.suppress(Exception):
            self._handle.Close()


class _Streams:
    def read(self, timeout: float) -> list[tuple[str, bytes]]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class _SelectorStreams(_Streams):
    """Both pipes waited on with one selector (POSIX, where select takes pipes)."""

    def __init__(self, pipes: Mapping[str, IO[bytes]]) -> None:
        self._pipes = pipes
        self._selector = selectors.DefaultSelector()
        for name, pipe in pipes.items():
            self._selector.register(pipe.fileno(), selectors.EVENT_READ, name)

    def read(self, timeout: float) -> list[tuple[str, bytes]]:
        chunks = []
        for key, _ in self._selector.select(timeout=timeout):
            chunk = os.read(key.fd, READ_BYTES)
            if not chunk:
                self._selector.unregister(key.fd)
            chunks.append((key.data, chunk))
        return chunks

    def close(self) -> None:
        self._selector.close()
        for pipe in self._pipes.values():
            pipe.close()


class _ThreadStreams(_Streams):
    """A thread per pipe, each handing what it reads to the parent (Windows, whose select takes
    sockets only). Each thread closes its pipe when the pipe ends: closing it under a thread that
    is reading it could hand the descriptor's number to another file."""

    def __init__(self, pipes: Mapping[str, IO[bytes]]) -> None:
        self._chunks: queue.SimpleQueue[tuple[str, bytes]] = queue.SimpleQueue()
        for name, pipe in pipes.items():
            threading.Thread(
                target=self._pump, args=(name, pipe), name=f"awaitlings-{name}", daemon=True
            ).start()

    def _pump(self, name: str, pipe: IO[bytes]) -> None:
        read = getattr(pipe, "read1", pipe.read)
        with pipe:
            while True:
                try:
                    chunk = read(READ_BYTES)
                except (OSError, ValueError):
                    chunk = b""
                self._chunks.put((name, chunk))
                if not chunk:
                    return

    def read(self, timeout: float) -> list[tuple[str, bytes]]:
        try:
            chunks = [self._chunks.get(timeout=max(0.0, timeout))]
        except queue.Empty:
            return []
        with contextlib.suppress(queue.Empty):
            while True:
                chunks.append(self._chunks.get_nowait())
        return chunks

    def close(self) -> None:
        pass  # the threads close their pipes once the child's processes are gone


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
