"""The pack on platforms without what Linux has: macOS (no RLIMIT_AS) and Windows (no resource
limits, process groups, preexec_fn or /proc), simulated here by taking those calls away."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import make_submission, solution_files

from graders.engine import forkserver, processes
from graders.engine import limits as limits_module
from graders.engine.parent import ChildLimits, run_grading
from graders.manifest import PACK_ROOT

POSIX_ONLY_MODULES = ("resource", "fcntl", "termios", "pty")
POSIX_ONLY_CALLS = ("killpg", "setsid", "setpgid", "setpgrp", "getpgid", "getpgrp")

# Run as `python without_posix.py -m module args...` or `... script.py args...`: the POSIX-only
# modules cannot be imported and the calls are gone, for this process and for every Python it
# starts through sys.executable (the grading child).
WITHOUT_POSIX = '''
import importlib.abc, os, runpy, sys

class WindowsLike(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in {modules!r}:
            raise ImportError(f"No module named {{name!r}} (simulating Windows)")
        return None

sys.meta_path.insert(0, WindowsLike())
for module in {modules!r}:
    sys.modules.pop(module, None)
for call in {calls!r}:
    if hasattr(os, call):
        delattr(os, call)
sys.executable = {launcher!r}
if sys.argv[1] == "-m":
    sys.argv = sys.argv[2:]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
else:
    sys.argv = sys.argv[1:]
    runpy.run_path(sys.argv[0], run_name="__main__")
'''


@pytest.fixture
def python_without_posix(tmp_path: Path) -> Path:
    """An executable that runs Python as if on Windows, as far as the grader can tell."""
    if os.name != "posix":
        pytest.skip("the simulation's launcher is a shell script")
    launcher = tmp_path / "python-without-posix"
    script = tmp_path / "without_posix.py"
    script.write_text(WITHOUT_POSIX.format(
        modules=POSIX_ONLY_MODULES, calls=POSIX_ONLY_CALLS, launcher=str(launcher)
    ))
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{script}" "$@"\n')
    launcher.chmod(0o755)
    return launcher


def run_without_posix(launcher: Path, *args: str, env: dict | None = None):
    return subprocess.run(
        [str(launcher), *args], capture_output=True, text=True, cwd=PACK_ROOT, timeout=120,
        env={**os.environ, "PYTHONPATH": str(PACK_ROOT), **(env or {})},
    )


def test_the_simulation_really_lacks_the_posix_calls(python_without_posix, tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(textwrap.dedent("""
        import os
        from graders.engine import limits, processes
        try:
            import resource
        except ImportError:
            resource = None
        print(resource is None, limits.resource is None, hasattr(os, "killpg"),
              processes.posix_processes())
    """))
    finished = run_without_posix(python_without_posix, str(probe))
    assert finished.stdout.split() == ["True", "True", "False", "False"], finished.stderr


def test_a_solution_is_graded_without_the_posix_calls(python_without_posix, tmp_path):
    exercise_03 = _exercise("03")
    submission = make_submission(tmp_path, exercise_03, solution_files(exercise_03)).parent
    results = tmp_path / "results.json"
    finished = run_without_posix(
        python_without_posix, "-m", "graders", "check", "03", "--submission", str(submission),
        "--json", str(results),
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    report = json.loads(results.read_text())
    assert report["score"] == report["max_score"] > 0
    assert "Isolation: single process; limits held: none" in report["output"]


def test_a_hanging_check_is_killed_by_the_wall_clock_without_the_posix_calls(
    python_without_posix, tmp_path
):
    exercise_03 = _exercise("03")
    hang = solution_files(exercise_03)
    hang[exercise_03.main_module] += (
        "\n\ndef run_by_hand(coro, sleep=None):\n    while True:\n        pass\n"
    )
    folder = make_submission(tmp_path, exercise_03, hang)
    script = tmp_path / "grade_hang.py"
    script.write_text(textwrap.dedent(f"""
        import json, time
        from pathlib import Path
        from graders.engine.parent import ChildLimits, run_grading
        from graders.manifest import find_exercise
        started = time.monotonic()
        grading = run_grading(find_exercise("03"), None, Path({str(folder)!r}),
                              ChildLimits(import_seconds=5, check_seconds=2, exercise_seconds=20))
        print(json.dumps({{
            "seconds": time.monotonic() - started,
            "isolation": grading.isolation.describe(),
            "results": {{r.name: [r.passed, r.message] for r in grading.results}},
        }}))
    """))
    finished = run_without_posix(python_without_posix, str(script))
    assert finished.returncode == 0, finished.stderr
    graded = json.loads(finished.stdout.splitlines()[-1])
    hung = graded["results"]["run_by_hand drives a coroutine to its result"]
    assert not hung[0] and "did not finish within 2 s" in hung[1]
    # The contract: the checks after the hang are graded on their own, in a new child.
    assert any(passed for passed, _ in graded["results"].values())
    assert graded["isolation"].startswith("Isolation: single process")


def test_the_learner_commands_work_without_the_posix_calls(python_without_posix, tmp_path):
    state = {"AWAITLINGS_STATE_DIR": str(tmp_path / "state")}
    hint = run_without_posix(python_without_posix, "-m", "graders", "hint", "03", env=state)
    assert hint.returncode == 0 and "Hint 1" in hint.stdout, hint.stdout + hint.stderr
    progress = run_without_posix(python_without_posix, "-m", "graders", "progress", env=state)
    assert progress.returncode == 0 and "03" in progress.stdout, progress.stderr


def test_a_limit_the_platform_refuses_is_skipped_and_the_report_says_so(monkeypatch, tmp_path):
    # macOS: setrlimit(RLIMIT_AS, ...) raises; the grading goes on with the other limits.
    resource = pytest.importorskip("resource")
    real_setrlimit = resource.setrlimit

    def setrlimit_like_macos(which: int, value: tuple[int, int]) -> None:
        if which == resource.RLIMIT_AS:
            raise ValueError("current limit exceeds maximum limit")
        real_setrlimit(which, value)

    monkeypatch.setattr(resource, "setrlimit", setrlimit_like_macos)  # the fork inherits it
    monkeypatch.setattr(forkserver, "available", lambda: False)  # a fork of this process, then
    exercise_03 = _exercise("03")
    folder = make_submission(tmp_path, exercise_03, solution_files(exercise_03))
    grading = run_grading(exercise_03, None, folder, ChildLimits())
    assert all(result.passed for result in grading.results)
    assert grading.isolation is not None
    assert "memory" not in grading.isolation.limits
    assert "CPU time" in grading.isolation.limits


def test_limit_child_names_only_the_limits_that_held(monkeypatch):
    resource = pytest.importorskip("resource")
    monkeypatch.setattr(resource, "setrlimit", _refuse_every_limit)
    assert limits_module.limit_child(1024**3, 10) == []


def test_without_resource_limit_child_sets_nothing(monkeypatch):
    monkeypatch.setattr(limits_module, "resource", None)
    assert limits_module.limit_child(1024**3, 10) == []
    assert not processes.posix_processes()


def test_isolation_describes_layers_and_limits():
    isolation = processes.Isolation(("process group",), ("memory", "CPU time"))
    assert isolation.describe() == (
        "Isolation: process group; limits held: memory, CPU time."
    )
    assert isolation.wrapped("a sandbox").describe().startswith(
        "Isolation: a sandbox in process group;"
    )
    assert "limits held: none" in processes.Isolation(("single process",), ()).describe()


def _refuse_every_limit(which: int, value: tuple[int, int]) -> None:
    raise OSError("not on this platform")


def _exercise(number: str):
    from graders.manifest import find_exercise

    exercise = find_exercise(number)
    assert exercise is not None
    return exercise


def test_only_looptimes_warning_about_the_current_loop_is_silenced(tmp_path):
    # Python 3.12 and 3.13 warn when looptime's plugin asks for a loop before a sync test; the
    # same warning from anywhere else, and every other warning, is still shown.
    (tmp_path / "test_sample.py").write_text(textwrap.dedent("""
        import warnings

        def test_a_sync_test():
            pass

        def test_a_warning_of_its_own():
            warnings.warn("There is no current event loop (its own)", DeprecationWarning)
    """))
    finished = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(PACK_ROOT / "pyproject.toml"),
         "--rootdir", str(tmp_path), str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert finished.returncode == 0, finished.stdout
    warned = finished.stdout.partition("warnings summary")[2]
    assert "(its own)" in warned
    assert "looptime/_internal" not in warned, warned


class FakeWin32:
    """Stands in for pywin32's win32api, win32con and win32job: records what the job is told."""

    JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000
    JOB_OBJECT_LIMIT_JOB_MEMORY = 0x200
    JOB_OBJECT_LIMIT_JOB_TIME = 0x4
    JOB_OBJECT_LIMIT_ACTIVE_PROCESS = 0x8
    JobObjectBasicAccountingInformation = 1
    JobObjectExtendedLimitInformation = 9
    PROCESS_SET_QUOTA = 0x100
    PROCESS_TERMINATE = 0x1

    def __init__(self, refuse_assignment: bool = False) -> None:
        self.refuse_assignment = refuse_assignment
        self.limits: dict = {}
        self.assigned: list[int] = []
        self.terminated = False

    def CreateJobObject(self, attributes, name):
        return self

    def QueryInformationJobObject(self, job, kind):
        if kind == self.JobObjectBasicAccountingInformation:
            return {"ActiveProcesses": 3}
        return {"BasicLimitInformation": {"LimitFlags": 0, "ActiveProcessLimit": 0,
                                          "PerJobUserTimeLimit": 0}, "JobMemoryLimit": 0}

    def SetInformationJobObject(self, job, kind, info):
        self.limits = info

    def OpenProcess(self, access, inherit, pid):
        return pid

    def AssignProcessToJobObject(self, job, process):
        if self.refuse_assignment:
            raise OSError("access denied")
        self.assigned.append(process)

    def CloseHandle(self, handle):
        pass

    def TerminateJobObject(self, job, code):
        self.terminated = True

    def Close(self):
        pass


@pytest.fixture
def fake_win32(monkeypatch) -> FakeWin32:
    fake = FakeWin32()
    for name in ("win32api", "win32con", "win32job"):
        monkeypatch.setitem(sys.modules, name, fake)
    return fake


class FakeProcess:
    pid = 4242


def test_a_job_object_caps_memory_cpu_and_processes(fake_win32):
    limits = ChildLimits(memory_bytes=1024**3, max_processes=4, exercise_seconds=20)
    job = processes._Job.holding(FakeProcess(), limits)
    assert job is not None and fake_win32.assigned == [FakeProcess.pid]
    basic = fake_win32.limits["BasicLimitInformation"]
    assert basic["LimitFlags"] & FakeWin32.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
    assert basic["LimitFlags"] & FakeWin32.JOB_OBJECT_LIMIT_ACTIVE_PROCESS
    assert basic["ActiveProcessLimit"] == 5  # the child and the four it may start
    assert basic["PerJobUserTimeLimit"] == limits.cpu_seconds * 10_000_000
    assert fake_win32.limits["JobMemoryLimit"] == 1024**3
    assert job.process_count() == 3
    job.kill()
    assert fake_win32.terminated


def test_a_job_the_system_refuses_leaves_a_single_process(fake_win32):
    fake_win32.refuse_assignment = True
    assert processes._Job.holding(FakeProcess(), ChildLimits()) is None


def test_without_pywin32_there_is_no_job(monkeypatch):
    monkeypatch.setitem(sys.modules, "win32job", None)  # import win32job raises ImportError
    assert processes._Job.holding(FakeProcess(), ChildLimits()) is None


def test_the_portable_path_holds_the_child_in_a_job_where_there_is_one(fake_win32, monkeypatch):
    monkeypatch.setattr(limits_module, "resource", None)  # no POSIX limits: the portable path
    child = processes.start_child(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], env=os.environ, cwd=os.getcwd(),
        limits=ChildLimits(),
    )
    try:
        assert child.isolation == processes.Isolation(
            ("job object",), ("memory", "CPU time", "processes")
        )
        assert fake_win32.assigned == [child.process.pid]
        assert child.process_count() == 3
    finally:
        child.stop()
    assert fake_win32.terminated and child.process.returncode is not None
