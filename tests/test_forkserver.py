"""The fork server (graders/engine/forkserver.py): a forked child starts as a program child does,
nothing of one child reaches the next, and a grading never depends on the server."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import posix_only

from graders.engine import forkserver
from graders.engine.childrun import Handout, run_child
from graders.engine.limits import ChildLimits
from graders.engine.parent import grade
from graders.manifest import PACK_ROOT, find_exercise


@pytest.fixture(autouse=True)
def _no_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server forks only where no sandbox is asked for: these tests are of that path."""
    monkeypatch.setenv("AWAITLINGS_SANDBOX", "guard")

pytestmark = [
    posix_only,
    pytest.mark.skipif(not forkserver.available(), reason="no fork or SCM_RIGHTS here"),
]

BYHAND = find_exercise("03")
assert BYHAND is not None

# What a child reports of itself on import, with os.write so that the grader's recording of
# print does not hold it back (and the guard, which refuses writes to files, allows the pipe).
REPORT_ITSELF = """
import json, os, resource, sys, tempfile
__main__ = sys.modules["__main__"]
os.write(1, ("STATE " + json.dumps({
    "pid": os.getpid(), "sid": os.getsid(0), "pgid": os.getpgid(0), "ppid": os.getppid(),
    "fds": sorted(int(fd) for fd in os.listdir("/proc/self/fd")) if os.path.isdir("/proc")
           else None,
    "cwd": os.getcwd(), "tmp": tempfile.gettempdir(), "path0": sys.path[0],
    "environ": dict(os.environ), "argv": sys.argv[1:], "main": __main__.__file__,
    "child_module_loaded": "graders.engine.child" in sys.modules,
    "streams": [(s.encoding, s.errors, s.write_through, type(s.buffer).__name__)
                for s in (sys.__stdout__, sys.__stderr__)],
    "stdin": sys.stdin.read(),
    "limits": [resource.getrlimit(getattr(resource, name)) for name in
               ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_CORE")],
    "dont_write_bytecode": sys.dont_write_bytecode,
}) + "\\n").encode())
"""


def state_of_child(folder: Path) -> dict:
    """The state a child of 03 reported on import of `folder`'s byhand.py."""
    handout = Handout.of(len(BYHAND.checks()))
    run = run_child(BYHAND, folder, handout, ChildLimits(), time.monotonic() + 60)
    lines = [line for line in run.tail_text().splitlines() if line.startswith("STATE ")]
    assert lines, run.tail_text()
    return json.loads(lines[0].removeprefix("STATE "))


@pytest.fixture
def reporting(tmp_path: Path) -> Path:
    folder = tmp_path / "03_byhand"
    folder.mkdir()
    (folder / "byhand.py").write_text(REPORT_ITSELF)
    return folder


def test_a_forked_child_starts_as_a_program_child_does(
    reporting: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forked = state_of_child(reporting)
    assert forked["ppid"] != os.getpid(), "the child was not forked by the server"
    with monkeypatch.context() as patch:
        patch.setattr(forkserver, "available", lambda: False)
        started = state_of_child(reporting)
    assert started["ppid"] == os.getpid()
    for state in (forked, started):
        assert state["sid"] == state["pgid"] == state["pid"]  # its own session and group
        assert state["cwd"] == state["tmp"] == state["path0"] == state["environ"]["TMPDIR"]
        assert Path(state["cwd"]).name.startswith("awaitlings-")
    different = {"pid", "sid", "pgid", "ppid", "cwd", "tmp", "path0", "environ"}
    assert {key: forked[key] for key in forked.keys() - different} == {
        key: started[key] for key in started.keys() - different
    }
    same_environ = {key for key in started["environ"] if key not in ("TMPDIR", "TEMP", "TMP")}
    assert {key: forked["environ"].get(key) for key in same_environ} == {
        key: started["environ"][key] for key in same_environ
    }
    assert forked["environ"].keys() == started["environ"].keys()


def test_nothing_one_child_leaves_reaches_the_next(tmp_path: Path) -> None:
    folder = tmp_path / "03_byhand"
    folder.mkdir()
    (folder / "byhand.py").write_text(
        "import os, json\n"
        "json.left_by_a_child = getattr(json, 'left_by_a_child', 0) + 1\n"
        "os.environ['LEFT_BY_A_CHILD'] = os.environ.get('LEFT_BY_A_CHILD', '') + 'x'\n"
        "os.write(1, f'STATE {{\"count\": {json.left_by_a_child}, '\n"
        "         f'\"environ\": \"{os.environ[\"LEFT_BY_A_CHILD\"]}\"}}\\n'.encode())\n"
    )
    states = [state_of_child(folder) for _ in range(3)]
    assert states == [{"count": 1, "environ": "x"}] * 3


def test_a_wrapped_command_is_started_as_a_program() -> None:
    argv = ["bwrap", "--", sys.executable, "-m", forkserver.CHILD_MODULE, "03", "folder"]
    assert forkserver.start_forked(argv, {}, "/", 1, 1, pass_fds=()) is None


@pytest.fixture
def own_server(monkeypatch: pytest.MonkeyPatch):
    """This test's own fork server state, shut down after it: the others' stays as it was."""
    monkeypatch.setattr(forkserver, "_own", forkserver._Own())
    monkeypatch.setattr(forkserver, "_started", [])
    monkeypatch.setattr(forkserver, "_failed", False)
    yield
    forkserver._shut_down()


def test_grading_goes_on_when_the_server_cannot_start(
    own_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cannot_start(env: object) -> forkserver.ForkServer:
        raise OSError("no server today")

    monkeypatch.setattr(forkserver.ForkServer, "start", cannot_start)
    results = grade(BYHAND, None, BYHAND.solution_dir, reference=True)
    assert all(result.passed for result in results), [r.message for r in results]
    assert forkserver.current() is None


def test_grading_goes_on_when_the_server_dies(own_server: None) -> None:
    first = grade(BYHAND, None, BYHAND.solution_dir, reference=True)
    server = forkserver.current()
    assert server is not None
    server.process.kill()
    server.process.wait()
    again = grade(BYHAND, None, BYHAND.solution_dir, reference=True)
    assert [r.passed for r in again] == [r.passed for r in first] == [True] * len(first)


def test_grading_goes_on_when_the_server_stops_answering(
    own_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    grade(BYHAND, None, BYHAND.solution_dir, reference=True)
    server = forkserver.current()
    assert server is not None
    os.kill(server.process.pid, signal.SIGSTOP)  # it holds the socket open but never answers
    monkeypatch.setattr(forkserver, "ANSWER_SECONDS", 0.5)
    try:
        results = grade(BYHAND, None, BYHAND.solution_dir, reference=True)
    finally:
        with contextlib.suppress(ProcessLookupError):  # it was killed once given up on
            os.kill(server.process.pid, signal.SIGCONT)
    assert all(result.passed for result in results)
    assert forkserver.current() is None and forkserver._failed


@pytest.mark.parametrize("number", ["01", "05", "06"])
def test_the_server_warms_what_a_suite_leaves_to_its_running_checks(number: str) -> None:
    """A suite imports its checks' libraries where they are used (the parent does without):
    the server imports them before it forks, so that no child pays for them."""
    exercise = find_exercise(number)
    assert exercise is not None
    code = ("import json, sys\n"
            "from graders.engine.forking import warm_up\n"
            f"warm_up([{exercise.suite_name!r}])\n"
            f"suite = sys.modules[{exercise.suite_name!r}].SUITE\n"
            "print(json.dumps([suite.child_imports,\n"
            "                  [name for name in suite.child_imports if name in sys.modules]]))\n")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    declared, imported = json.loads(ran.stdout)
    assert {"01": "requests", "05": "aiohttp", "06": "aiohttp"}[number] in declared
    assert imported == declared


def test_the_grader_is_compiled_for_the_servers_which_write_no_bytecode() -> None:
    forkserver.compile_the_grader.cache_clear()
    forkserver.compile_the_grader()
    stale = []
    for source in (PACK_ROOT / "graders").rglob("*.py"):
        compiled = Path(importlib.util.cache_from_source(str(source)))
        if not compiled.exists() or compiled.stat().st_mtime < source.stat().st_mtime:
            stale.append(str(source.relative_to(PACK_ROOT)))
    assert stale == []
