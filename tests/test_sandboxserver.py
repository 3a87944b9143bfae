"""The fork server inside the bubblewrap sandbox (graders/engine/sandboxserver.py): a child forked
there starts as a sandboxed program child does, sees and reaches only its own submission, leaves
nothing for the next child, and a grading never depends on the server. Without bwrap these tests
skip and say why, except on CI, where the sandbox must work.

The children here run code that gets past the guard first (its table of handlers emptied, as
tests/hostile's outliving_program_past_the_guard does), so that what they show is the sandbox's
doing, not the guard's."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from conftest import make_submission, require_sandbox, solution_files

from graders.engine import forkserver, landlock, lanes, sandbox, sandboxserver
from graders.engine.childrun import Handout, run_child
from graders.engine.limits import ChildLimits
from graders.engine.parent import grade
from graders.engine.protocol import Result
from graders.manifest import PACK_ROOT, find_exercise

BYHAND, GETTOKNOW = find_exercise("03"), find_exercise("04")
assert BYHAND is not None and GETTOKNOW is not None

PAST_THE_GUARD = """
import json, os, sys
frame, handlers = sys._getframe(), None
while frame is not None:  # up to the child's main(), which holds the guard
    if "guard" in frame.f_locals:
        handlers = frame.f_locals["guard"]._handlers
    frame = frame.f_back
kept = dict(handlers)
handlers.clear()  # put back once the import is done (see the end), before the guard compares

def tried(what):
    try:
        what()
    except OSError as error:
        return error.strerror
    return "done"

def listed(folder):
    try:
        return sorted(os.listdir(folder))
    except OSError as error:
        return error.strerror

def report(found):
    os.write(1, ("STATE " + json.dumps(found) + "\\n").encode())
"""

BACK_TO_THE_GUARD = "\nhandlers.update(kept)\n"

REPORT_ITSELF = PAST_THE_GUARD + """
import resource, tempfile
status = open("/proc/self/status").read()
report({
    "sid": os.getsid(0), "pgid": os.getpgid(0), "pid": os.getpid(), "uid": os.getuid(),
    "fds": sorted(int(fd) for fd in os.listdir("/proc/self/fd")),
    "cwd": os.getcwd(), "tmp": tempfile.gettempdir(), "path0": sys.path[0],
    "environ": dict(os.environ), "argv": sys.argv[1:], "main": sys.modules["__main__"].__file__,
    "child_module_loaded": "graders.engine.child" in sys.modules,
    "streams": [(s.encoding, s.errors, s.write_through) for s in (sys.__stdout__, sys.__stderr__)],
    "limits": [resource.getrlimit(getattr(resource, name)) for name in
               ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_CORE")],
    "no_new_privs": "NoNewPrivs:\\t1" in status, "no_capabilities": "CapEff:\\t0000000000000000"
                                                                    in status,
    "dont_write_bytecode": sys.dont_write_bytecode,
})
""" + BACK_TO_THE_GUARD


@pytest.fixture
def own_server(monkeypatch: pytest.MonkeyPatch):
    """This test's own sandboxed server state, shut down after it; the sandbox required."""
    require_sandbox()
    monkeypatch.setenv(sandbox.CHOICE_VARIABLE, sandbox.BUBBLEWRAP)
    monkeypatch.setattr(sandboxserver, "_own", sandboxserver._Own())
    monkeypatch.setattr(sandboxserver, "_started", [])
    monkeypatch.setattr(sandboxserver, "_spare", [])
    monkeypatch.setattr(sandboxserver, "_restarts", 0)
    monkeypatch.setattr(sandboxserver, "_batch_root", None)
    yield
    sandboxserver.shut_down()


def run_of(folder: Path, exercise=BYHAND, limits: ChildLimits | None = None):
    return run_child(exercise, folder, Handout.of(len(exercise.checks())),
                     limits or ChildLimits(), time.monotonic() + 60)


def state_of(folder: Path, exercise=BYHAND) -> dict:
    """What the child of `exercise` reported (with `report`) while it imported `folder`."""
    run = run_of(folder, exercise)
    lines = [line for line in run.tail_text().splitlines() if line.startswith("STATE ")]
    assert lines, run.tail_text()
    return json.loads(lines[0].removeprefix("STATE "))


def submission_with(root: Path, exercise, text: str) -> Path:
    return make_submission(root, exercise, {exercise.main_module: text})


def server_pid() -> int:
    """The host's pid of the sandboxed server now running."""
    assert sandboxserver.current_server() is not None
    return sandboxserver._find_server(sandboxserver.current_server().process.pid)


def test_a_child_forked_in_the_sandbox_starts_as_a_sandboxed_program_does(
    own_server: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = submission_with(tmp_path, BYHAND, REPORT_ITSELF)
    forked = state_of(folder)
    assert sandboxserver.current_server() is not None, "the child was not forked in a sandbox"
    with monkeypatch.context() as patch:
        patch.setattr(sandboxserver, "server_for", lambda scope, env: None)
        started = state_of(folder)
    # Its own session and process group (bwrap's child has its session outside: sid 0 inside).
    assert forked["sid"] == forked["pgid"] == forked["pid"]
    for state in (forked, started):
        assert state["cwd"] == state["tmp"] == state["path0"] == state["environ"]["TMPDIR"] \
            == state["environ"]["HOME"]
        assert state["uid"] == sandbox.SANDBOX_UID
        assert state["no_new_privs"] and state["no_capabilities"]
    different = {"pid", "sid", "pgid", "cwd", "tmp", "path0", "environ"}
    assert {key: forked[key] for key in forked.keys() - different} == {
        key: started[key] for key in started.keys() - different}
    assert forked["environ"].keys() == started["environ"].keys()
    assert {key: value for key, value in forked["environ"].items()
            if key not in ("TMPDIR", "HOME", "PWD")} == {
        key: value for key, value in started["environ"].items()
        if key not in ("TMPDIR", "HOME", "PWD")}


ATTACKER = PAST_THE_GUARD + """
other, pack, cwd = {other!r}, {pack!r}, os.getcwd()
report({{
    "pack": listed(pack),
    "hidden": [name for name in ("solutions", "tests", ".git", "classroom")
               if os.path.exists(os.path.join(pack, name))],
    "read_other": tried(lambda: open(other).read()),
    "list_submissions": tried(lambda: os.listdir(os.path.dirname(os.path.dirname(
        os.path.dirname(other))))),
    "write_pack": tried(lambda: open(os.path.join(pack, "graders", "planted.py"), "w")),
    "write_beside": tried(lambda: open(os.path.join(os.path.dirname(cwd), "planted"), "w")),
    "write_own": tried(lambda: open(os.path.join(cwd, "scratch"), "w").close()),
    "signal_server": tried(lambda: os.kill(2, 0)),
    "server_memory": tried(lambda: open("/proc/2/mem", "rb").read(1)),
    "server_environment": tried(lambda: open("/proc/2/environ", "rb").read()),
}})
""" + BACK_TO_THE_GUARD


def test_in_a_batch_a_child_reaches_only_its_own_submission_and_never_the_server(
    own_server: None, tmp_path: Path
) -> None:
    if not sandboxserver.landlock_version():
        pytest.skip("Landlock with its signal scope (ABI 6) is not on this kernel")
    root = tmp_path / "batch"
    victim = submission_with(root / "b2", BYHAND, "SECRET = 'the victim's work'\n")
    attacker = submission_with(root / "a1", BYHAND, ATTACKER.format(
        other=str(victim / "byhand.py"), pack=str(PACK_ROOT)))
    sandboxserver.serve_under(root)
    found = state_of(attacker)
    server = sandboxserver.current_server()
    assert server is not None and server.scope.bound == (root.resolve(),)
    assert found["pack"] == "Permission denied"  # Landlock: only what the child reads in it
    assert found["hidden"] == []  # and the sandbox holds nothing else of it
    assert found["read_other"] == "Permission denied"
    assert found["list_submissions"] == "Permission denied"
    assert found["write_pack"] == "Read-only file system"
    assert found["write_beside"] == "Permission denied"
    assert found["write_own"] == "done"
    assert found["signal_server"] == "Operation not permitted"
    assert found["server_memory"] == found["server_environment"] == "Permission denied"
    results = grade(BYHAND, None, make_submission(root / "c3", BYHAND, solution_files(BYHAND)))
    assert all(result.passed for result in results)
    assert sandboxserver.current_server() is server  # one server for the batch's submissions


def test_without_landlock_each_submission_has_a_sandbox_of_its_own(
    own_server: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandboxserver, "landlock_version", lambda: 0)
    root = tmp_path / "batch"
    victim = submission_with(root / "b2", BYHAND, "SECRET = 'the victim's work'\n")
    attacker = submission_with(root / "a1", BYHAND, ATTACKER.format(
        other=str(victim / "byhand.py"), pack=str(PACK_ROOT)))
    sandboxserver.serve_under(root)
    found = state_of(attacker)
    first = sandboxserver.current_server()
    assert first is not None and first.scope.bound == (attacker.resolve(),)
    assert "closed in by Landlock" not in first.layer
    assert set(found["pack"]) <= {"graders", "exercises.toml", "exercises", ".venv"}
    assert found["hidden"] == []
    assert found["read_other"] == "No such file or directory"
    assert found["write_pack"] == "Read-only file system"
    # Not dumpable: though the child runs as the server's user, it cannot reach into it.
    assert found["server_memory"] == found["server_environment"] == "Permission denied"
    run_of(victim)
    assert sandboxserver.current_server() is not first and not first.usable


LEAVER = PAST_THE_GUARD + """
import time
if os.fork() == 0:  # a process of its own session, out of the child's process group
    os.setsid()
    if os.fork() == 0:
        open("/dev/shm/left", "w").close()
        while True:
            time.sleep(0.01)
    os._exit(0)
open("left-behind", "w").close()
report({"left": True})
""" + BACK_TO_THE_GUARD
LOOKER = PAST_THE_GUARD + """
report({
    "processes": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
    "me": os.getpid(), "parent": os.getppid(),
    "beside": listed(os.path.dirname(os.getcwd())), "own": os.path.basename(os.getcwd()),
    "earlier": os.path.lexists(os.getcwd().rpartition("-")[0] + "-"
                               + str(int(os.getcwd().rpartition("-")[2]) - 1)),
    "shared_memory": listed("/dev/shm"),
})
""" + BACK_TO_THE_GUARD


def test_what_a_child_leaves_is_gone_before_the_next_child_starts(
    own_server: None, tmp_path: Path
) -> None:
    leaver = submission_with(tmp_path, BYHAND, LEAVER)
    looker = submission_with(tmp_path, GETTOKNOW, LOOKER)  # the same submission: one server
    assert state_of(leaver) == {"left": True}
    server = sandboxserver.current_server()
    found = state_of(looker, GETTOKNOW)
    assert sandboxserver.current_server() is server
    assert found["processes"] == sorted({1, found["parent"], found["me"]})
    assert not found["earlier"], "the earlier child's folder is still there"
    assert found["beside"] in ([found["own"]], "Permission denied")  # Landlock: not even seen
    assert found["shared_memory"] == []


def test_children_side_by_side_share_one_server_and_the_sandbox_is_swept_after_the_last(
    own_server: None, tmp_path: Path
) -> None:
    leaver = submission_with(tmp_path, BYHAND, solution_files(BYHAND)["byhand.py"] + LEAVER)
    looker = submission_with(tmp_path, GETTOKNOW, LOOKER)
    shared = sandboxserver.GradingServer()
    runs: list = []

    def grade_all_checks() -> None:
        runs.append(run_child(BYHAND, leaver, Handout.of(len(BYHAND.checks())), ChildLimits(),
                              time.monotonic() + 60, shared=shared))

    list(lanes.in_lanes([grade_all_checks] * 2, lanes=2))  # lanes may own servers
    assert len(runs) == 2 and len(sandboxserver._started) == 1
    for run in runs:  # each forked beside the other, each ran every check it was given
        results = [event for event in run.events if isinstance(event, Result)]
        assert len(results) == len(BYHAND.checks()) and all(r.passed for r in results)
    run = run_child(GETTOKNOW, looker, Handout.of(len(GETTOKNOW.checks())), ChildLimits(),
                    time.monotonic() + 60, shared=shared)  # the next, none running beside it
    shared.release()
    assert len(sandboxserver._started) == 1
    lines = [line for line in run.tail_text().splitlines() if line.startswith("STATE ")]
    found = json.loads(lines[0].removeprefix("STATE "))
    assert found["processes"] == sorted({1, found["parent"], found["me"]})
    assert found["shared_memory"] == []


HANGER = "\n\ndef run_by_hand(coro, sleep=None):\n    while True:\n        pass\n"


def test_a_hang_is_stopped_and_said_where_and_a_process_storm_is_stopped(
    own_server: None, tmp_path: Path
) -> None:
    files = solution_files(BYHAND)
    files["byhand.py"] += HANGER
    results = grade(BYHAND, None, make_submission(tmp_path / "hang", BYHAND, files),
                    ChildLimits(check_seconds=2))
    hung = {result.id: result for result in results}["run_by_hand_returns_result"]
    # Where it was stopped: the loop's `while True:` or its `pass`, by the instant of the dump.
    assert "did not finish within 2 s" in hung.message
    assert "in run_by_hand: while True" in hung.message or "in run_by_hand: pass" in hung.message
    assert sandboxserver.current_server() is not None
    storm = PAST_THE_GUARD + "import time\nfor _ in range(40):\n    if os.fork() == 0:\n" \
        "        time.sleep(30)\n        os._exit(0)\ntime.sleep(30)\n"
    run = run_of(submission_with(tmp_path / "storm", BYHAND, storm))
    assert run.ended == "processes"


def test_a_killed_or_stuck_server_is_replaced_and_the_grading_completes(
    own_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def graded() -> list:
        results = grade(BYHAND, None, BYHAND.solution_dir, reference=True)
        assert all(result.passed for result in results), [r.message for r in results]
        return results

    graded()
    first = sandboxserver.current_server()
    assert first is not None
    os.kill(server_pid(), signal.SIGKILL)  # the server alone: bwrap and its pid 1 stay
    graded()
    second = sandboxserver.current_server()
    assert second is not None and second is not first and first.process.poll() is not None
    stuck = server_pid()
    os.kill(stuck, signal.SIGSTOP)  # it holds the socket open but never answers
    monkeypatch.setattr(forkserver, "ANSWER_SECONDS", 0.5)
    graded()
    assert second.process.poll() is not None, "the stuck server's sandbox was not ended"
    monkeypatch.setattr(sandboxserver, "_restarts", sandboxserver.RESTARTS + 1)
    sandboxserver.shut_down()
    run = run_of(BYHAND.solution_dir)  # past the restarts: a bwrap of its own, as before
    assert run.isolation is not None and "forked inside" not in run.isolation.describe()
    assert run.isolation.layers[0] == sandbox.LAYER


def test_a_server_started_early_outlives_the_probe_and_is_the_one_used(
    own_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandboxserver, "_early_start", None)
    monkeypatch.setattr(sandboxserver, "_early_started", threading.Event())
    sandboxserver.start_early(BYHAND.solution_dir.parent, reference=True)
    assert sandboxserver._early_started.wait(30)
    assert len(sandboxserver._spare) == 1
    server = sandboxserver._spare[0][0]
    time.sleep(0.5)  # bwrap is killed as the thread that started it ends (parent-death signal)
    assert server is not None and server.usable
    results = grade(BYHAND, None, BYHAND.solution_dir, reference=True)
    assert all(result.passed for result in results)
    assert sandboxserver.current_server() is server  # the early one, not a new one


def test_the_report_names_the_isolation_once_and_exactly(own_server: None) -> None:
    grading_isolation = run_of(BYHAND.solution_dir).isolation
    assert grading_isolation is not None
    said = grading_isolation.describe()
    assert said.startswith(f"Isolation: {sandbox.LAYER} in process group forked inside it")
    if sandboxserver.landlock_version():
        assert "closed in by Landlock (its own submission and working folder only)" in said
    assert said.count("Isolation") == 1


def test_landlock_closes_a_process_in(tmp_path: Path) -> None:
    if landlock.abi() < landlock.SIGNAL_SCOPE_ABI:
        pytest.skip("Landlock with its signal scope (ABI 6) is not on this kernel")
    mine, other = tmp_path / "mine", tmp_path / "other"
    for folder in (mine, other):
        folder.mkdir()
        (folder / "file").write_text(folder.name)
    outsider = os.fork()
    if outsider == 0:
        time.sleep(30)
        os._exit(0)
    read, write = os.pipe()
    closed_in = os.fork()
    if closed_in == 0:
        os.close(read)
        found = []
        try:
            landlock.restrict([str(mine)], [os.devnull])
            for attempt in (lambda: (mine / "file").read_text(),
                            lambda: (other / "file").read_text(),
                            lambda: (mine / "new").write_text("x"),
                            lambda: os.kill(outsider, 0)):
                try:
                    attempt()
                    found.append("done")
                except OSError as error:
                    found.append(error.strerror)
        finally:
            os.write(write, json.dumps(found).encode())
            os._exit(0)
    os.close(write)
    with open(read, "rb") as answer:
        found = json.loads(answer.read() or b"[]")
    os.waitpid(closed_in, 0)
    os.kill(outsider, signal.SIGKILL)
    os.waitpid(outsider, 0)
    assert found == ["done", "Permission denied", "Permission denied", "Operation not permitted"]


def test_servers_started_while_the_probe_runs_are_given_up_when_it_fails(
    own_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandboxserver, "_early_start", None)
    monkeypatch.setattr(sandboxserver, "_early_started", threading.Event())
    monkeypatch.setattr(sandbox, "_chosen_once", lambda wanted: sandbox.Sandbox(
        sandbox.GUARD, "refused here, as the probe found"))
    started = []
    start = sandboxserver._start
    monkeypatch.setattr(sandboxserver, "_start", lambda *args: started.append(start(*args))
                        or started[-1])
    sandboxserver.start_early(BYHAND.solution_dir.parent, reference=True, servers=2)
    assert sandboxserver._early_started.wait(30)
    assert len(started) == 2 and sandboxserver._spare == []
    assert all(server.process.poll() is not None for server in started)
