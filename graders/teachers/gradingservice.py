"""A warm grader shared by the notebooks' kernels: `python -m graders check --json`, answered by
a process that has already started.

Why: every notebook of `nbgrader autograde` runs in a new kernel, and each used to start its own
`python -m graders check NN --json ...`, paying an interpreter's start, the grader's import, the
sandbox's probe and a fork server's start (the stack's imports) before its first check: about
0.6 s of each notebook's second. A service pays them once for every kernel that follows.

How it is found: one service per pack, grader and environment, reached on an AF_UNIX socket in a
folder of the user's own (`service_folder`: 0700, owned by the user, else no service), named by
`grader_version` (the pack's root, the Python, every file of the grader, the manifest and the
provided files, and the kernel's environment), so a changed pack never talks to an old service,
and the service refuses a request that names another version all the same. The environment is
in the version because the service grades with the environment of the kernel that started it,
as that kernel's subprocess would have: the kernels of one `nbgrader autograde` share theirs
(nbgrader's pid among it), so they share a service; another call, or a kernel whose cells
changed its environment, gets a service of its own. The first kernel that finds none starts it,
holding a lock so that kernels asking at once start one service, not one each.

What it answers: a request names the exercise, the saved modules (their bytes) and the state
folder for `%hint`; the service lays them out as the kernel's subprocess did, under one folder of
its own (a fresh folder per request, removed after), and runs the command line's own `check`
(graders/__main__.py) on them, so the JSON is what `python -m graders check --json` writes. Every
grading still runs the student's code in a fresh child (forked by the service's server, closed in
by Landlock to its own upload where the kernel allows, as in batch grading): nothing of one
submission reaches the next. It grades one request at a time; one that comes while it is busy is
told so at once, and that kernel grades by itself, as before.

When it leaves: after IDLE_SECONDS without a request (seconds: it only bridges the kernels of one
autograde, or a student's cells), or at once when its socket (or the folder) is gone.

What it never changes: where AF_UNIX, fork or the user's folder are missing (Windows), or when
anything about the service fails, `graded_by_service` returns None and the notebook runs the
grader as a subprocess, with the same results. Nothing here writes to stderr (nbgrader scores 0 a
test cell that did): the service's own streams go nowhere.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graders.learner import STATE_DIR_VARIABLE
from graders.manifest import PACK_ROOT, find_exercise, load_exercises

IDLE_SECONDS = 10.0
"""How long the service waits for its next request before it leaves: longer than nbgrader takes
between two notebooks (about a second) or two students' calls, short enough to leave nothing
behind for long."""
START_SECONDS = 20.0
"""How long a kernel waits for the service it started to answer its first connection."""
READ_SECONDS = 10.0
"""How long the service waits for a connected kernel's request to arrive whole."""
POLL_SECONDS = 0.25
"""How often an idle service looks whether its socket is still there."""


class ServiceError(Exception):
    """The service could not answer; the notebook grades by itself instead."""


class GraderTimedOut(Exception):
    """The service took longer than the grader may: the time is spent, so nobody grades again."""


def supported() -> bool:
    """Whether this system has what the service needs: AF_UNIX sockets, fork, users."""
    from graders.engine import forkserver

    return hasattr(socket, "AF_UNIX") and hasattr(os, "getuid") and forkserver.available()


def grader_version(env: Mapping[str, str] | None = None) -> str:
    """What a service must be the same of to grade for this kernel: the pack's root, the Python,
    the grader's files, the manifest, the exercises' provided files, and the environment (the
    sandbox's choice, the scenarios' key, the paths...) but the state folder, which each request
    names."""
    env = os.environ if env is None else env
    digest = hashlib.sha256()
    for part in (str(PACK_ROOT.resolve()), sys.executable, sys.version):
        digest.update(part.encode() + b"\0")
    for name in sorted(env):
        if name != STATE_DIR_VARIABLE:
            digest.update(f"{name}={env[name]}\0".encode())
    for path in _grader_files():
        digest.update(str(path.relative_to(PACK_ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _grader_files() -> list[Path]:
    graders = [path for path in (PACK_ROOT / "graders").rglob("*")
               if path.is_file() and "__pycache__" not in path.parts]
    provided = [exercise.exercise_dir / name for exercise in load_exercises()
                for name in exercise.provided]
    return sorted([*graders, PACK_ROOT / "exercises.toml", *provided])


def service_folder() -> Path | None:
    """The user's folder for services' sockets, made 0700 if need be; None when it is not the
    user's own (a link, another owner, open to others): then no service."""
    folder = Path(tempfile.gettempdir()) / f"awaitlings-{os.getuid()}"
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    try:
        found = os.lstat(folder)
    except OSError:
        return None
    import stat

    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid() \
            or found.st_mode & 0o077:
        return None
    return folder


def socket_path(folder: Path, version: str) -> Path:
    return folder / f"grader-{version[:24]}.sock"


# The kernel's side


@dataclass(frozen=True)
class Answer:
    """A service's answer to a grading request."""

    results: dict[str, Any]
    """What `python -m graders check NN --json` writes."""
    service_pid: int
    """The service's process, which answered."""


def graded_by_service(number: str, files: Mapping[str, bytes], state_dir: str,
                      timeout: float) -> dict[str, Any] | None:
    """The results `python -m graders check NUMBER --json` gives for `files`, from the service
    (started if need be); None when there is no service to ask (grade by yourself then).
    Raises GraderTimedOut when the service did not answer within `timeout`."""
    answer = ask_service(number, files, state_dir, timeout)
    return answer.results if answer is not None else None


def ask_service(number: str, files: Mapping[str, bytes], state_dir: str,
                timeout: float) -> Answer | None:
    """`graded_by_service`, with the service that answered."""
    if not supported():
        return None
    folder = service_folder()
    if folder is None:
        return None
    version = grader_version()
    request = {"version": version, "exercise": number, "state_dir": state_dir,
               "files": {name: base64.b64encode(data).decode() for name, data in files.items()}}
    try:
        with _connected(socket_path(folder, version), version) as connection:
            return _ask(connection, request, timeout)
    except (OSError, ValueError, KeyError, ServiceError):
        return None


def _ask(connection: socket.socket, request: dict, timeout: float) -> Answer:
    connection.settimeout(timeout)
    try:
        connection.sendall(json.dumps(request).encode() + b"\n")
        connection.shutdown(socket.SHUT_WR)
        answer = json.loads(_read_all(connection))
    except TimeoutError as error:
        raise GraderTimedOut from error
    if "results" not in answer:
        raise ServiceError(answer.get("refused", "no results"))
    return Answer(answer["results"], int(answer["pid"]))


def _read_all(connection: socket.socket) -> bytes:
    chunks = []
    while chunk := connection.recv(1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


@contextlib.contextmanager
def _connected(path: Path, version: str) -> Iterator[socket.socket]:
    """A connection to the service at `path`, started (under the folder's lock) if none
    answers."""
    connection = _connect(path)
    if connection is None:
        import fcntl

        # One lock for every version: starts are short, and a lock per version would leave a
        # file behind for each (the environment changes with each nbgrader call).
        with open(path.parent / "start.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one kernel starts it; the others find it
            connection = _connect(path) or _start_and_connect(path, version)
    with connection:
        yield connection


def _connect(path: Path) -> socket.socket | None:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
    except OSError:
        connection.close()
        return None
    return connection


def _start_and_connect(path: Path, version: str) -> socket.socket:
    env = {name: value for name, value in os.environ.items() if name != STATE_DIR_VARIABLE}
    # A session of its own: the kernel's end (nbgrader kills its process group) is not its end.
    process = subprocess.Popen(
        [sys.executable, "-m", __name__, str(path), version], cwd=PACK_ROOT, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    threading.Thread(target=process.wait, daemon=True).start()  # reaped when it leaves
    give_up = time.monotonic() + START_SECONDS
    while time.monotonic() < give_up and process.poll() is None:
        connection = _connect(path)
        if connection is not None:
            return connection
        time.sleep(0.02)
    raise ServiceError("the grading service did not start")


# The service's side


class Service:
    """The listening socket, the requests it queues, and the grader that answers them."""

    def __init__(self, path: Path, version: str, idle_seconds: float = IDLE_SECONDS) -> None:
        self.path = path
        self.version = version
        self.idle_seconds = idle_seconds
        self.requests: queue.Queue[socket.socket] = queue.Queue()
        self.busy = threading.Event()
        self.root = Path(tempfile.mkdtemp(prefix="awaitlings-service-")).resolve()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.inode = -1

    def listen(self) -> None:
        """Take the socket: kernels may connect from now on (their requests wait)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # a dead service's (its starter holds the lock)
        self.listener.bind(str(self.path))
        self.listener.listen(16)
        self.inode = os.stat(self.path).st_ino
        threading.Thread(target=self._accept, daemon=True).start()

    def serve(self) -> None:
        """Answer requests until idle or unlinked; then leave, removing what it made."""
        last = time.monotonic()
        try:
            while time.monotonic() - last < self.idle_seconds and self._still_there():
                try:
                    connection = self.requests.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    continue
                self._answer(connection)
                last = time.monotonic()
        finally:
            if self._still_there():
                self.path.unlink()  # new kernels start a new service from now on
            self.listener.close()
            while not self.requests.empty():  # taken before the socket went: answered still
                self._answer(self.requests.get())
            shutil.rmtree(self.root, ignore_errors=True)

    def _still_there(self) -> bool:
        try:
            return os.stat(self.path).st_ino == self.inode
        except OSError:
            return False

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:  # closed: the service leaves
                return
            if self.busy.is_set() or not self.requests.empty():
                _reply(connection, {"refused": "busy"})  # that kernel grades by itself
            else:
                self.busy.set()
                self.requests.put(connection)

    def warm_up(self) -> None:
        """The sandbox probed and a server started for this service's folder, before the first
        request needs them; every grading of this process then lays its submission out there
        (its own folder each), which one sandbox shows, each child closed in by Landlock to its
        own."""
        from graders.engine import sandbox, sandboxserver

        sandboxserver.serve_under(self.root)
        if sandbox.chosen().sandboxed and sandboxserver.landlock_version():
            scope = sandboxserver.Scope((self.root,), sandboxserver.landlock_version())
            sandboxserver.server_for(scope, sandboxserver.server_environment())

    def _answer(self, connection: socket.socket) -> None:
        try:
            with connection:
                connection.settimeout(READ_SECONDS)
                try:
                    request = json.loads(_read_all(connection))
                except (OSError, ValueError):
                    return
                try:
                    answer = self.grade(request)
                except Exception as error:  # the service's own fault: that kernel grades itself
                    answer = {"refused": f"{type(error).__name__}: {error}"}
                _reply(connection, answer)
        finally:
            self.busy.clear()

    def grade(self, request: dict) -> dict:
        """What `python -m graders check NN --json` writes, for the request's files."""
        if request.get("version") != self.version:
            return {"refused": "this service grades for another version of the pack"}
        exercise = find_exercise(str(request.get("exercise")))
        if exercise is None:
            return {"refused": "no such exercise"}
        from graders import __main__ as command_line

        with tempfile.TemporaryDirectory(dir=self.root) as workdir:
            submission = Path(workdir) / "submission"
            (submission / exercise.folder).mkdir(parents=True)
            for name, data in request["files"].items():
                if name not in exercise.modules:
                    return {"refused": f"{name} is no module of {exercise.label}"}
                (submission / exercise.folder / name).write_bytes(base64.b64decode(data))
            results = Path(workdir) / "results.json"
            argv = ["check", exercise.number, "--submission", str(submission),
                    "--json", str(results)]
            with environment(STATE_DIR_VARIABLE, str(request["state_dir"])), \
                    contextlib.redirect_stdout(io.StringIO()):
                command_line.main(argv)
            return {"results": json.loads(results.read_text(encoding="utf-8")),
                    "pid": os.getpid()}


def _reply(connection: socket.socket, answer: dict) -> None:
    with contextlib.suppress(OSError):
        connection.sendall(json.dumps(answer).encode())
        connection.shutdown(socket.SHUT_WR)


@contextlib.contextmanager
def environment(name: str, value: str) -> Iterator[None]:
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def main(argv: list[str]) -> int:
    path, version = Path(argv[0]), argv[1]
    if version != grader_version():  # started by a kernel of another pack's version
        return 1
    service = Service(path, version)
    service.listen()
    service.warm_up()
    service.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
