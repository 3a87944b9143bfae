"""The bubblewrap sandbox holds where the guard cannot: each test runs code in the child's sandbox
as an attacker would who got past the guard (plain Python, no guard installed), and shows that
what it tries does not reach the machine. Without bwrap these tests skip and say why, except on
CI (the variable CI set), where the sandbox must work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import require_sandbox

from graders.engine import sandbox
from graders.engine.processes import Isolation
from graders.engine.workdir import working_folder
from graders.manifest import PACK_ROOT, find_exercise

EXERCISE = find_exercise("02")  # it has a provided file (kitchen.py)


@pytest.fixture(scope="module")
def box() -> sandbox.Sandbox:
    require_sandbox()
    return sandbox.probe()


def run_in_sandbox(box: sandbox.Sandbox, submission: Path, workdir: Path,
                   code: str, timeout: float = 30) -> subprocess.CompletedProcess:
    """`code` run by this Python in the sandbox a child of exercise 02 gets, without the guard."""
    command = sandbox.child_command(
        box, [sys.executable, "-c", textwrap.dedent(code)], exercise=EXERCISE,
        submission=submission, workdir=workdir, env={"PYTHONPATH": str(PACK_ROOT)},
    )
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          cwd=workdir, start_new_session=True, stdin=subprocess.DEVNULL)


@pytest.fixture
def submission(tmp_path: Path) -> Path:
    folder = tmp_path / "submission" / EXERCISE.folder
    folder.mkdir(parents=True)
    (folder / "dinner.py").write_text("print('hello')\n")
    return folder


def test_the_pack_shows_only_the_grader_the_manifest_and_the_provided_files(box, submission):
    with working_folder() as workdir:
        ran = run_in_sandbox(box, submission, workdir, f"""
            import os
            print(sorted(os.listdir({str(PACK_ROOT)!r})))
            print(sorted(os.listdir({str(EXERCISE.exercise_dir)!r})))
            for hidden in ("solutions", "tests", ".git", "classroom"):
                print(hidden, os.path.exists(os.path.join({str(PACK_ROOT)!r}, hidden)))
        """)
    assert ran.returncode == 0, ran.stderr
    shown = ran.stdout.splitlines()
    assert set(eval(shown[0])) <= {"graders", "exercises.toml", "exercises", ".venv"}
    assert eval(shown[1]) == list(EXERCISE.provided)
    assert shown[2:] == [f"{name} False" for name in ("solutions", "tests", ".git", "classroom")]


def test_the_graders_files_cannot_be_written_even_through_a_directory_descriptor(
    box, submission
):
    target = PACK_ROOT / "graders" / "planted_by_a_submission.py"
    with working_folder() as workdir:
        ran = run_in_sandbox(box, submission, workdir, f"""
            import os
            for folder, name in (({str(PACK_ROOT / 'graders')!r}, {target.name!r}),
                                 ({str(submission)!r}, "dinner.py")):
                fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
                try:
                    os.open(name, os.O_WRONLY | os.O_CREAT, dir_fd=fd)
                except OSError as error:
                    print(error.strerror)
        """)
    assert ran.stdout.splitlines() == ["Read-only file system"] * 2, ran.stderr
    assert not target.exists()
    assert (submission / "dinner.py").read_text() == "print('hello')\n"


def test_the_working_folder_is_small_and_leaves_nothing_on_the_disk(box, submission):
    with working_folder() as workdir:
        ran = run_in_sandbox(box, submission, workdir, """
            import os
            try:
                with open("fill", "wb") as file:
                    for _ in range(200):
                        file.write(b"x" * 1024**2)
                        file.flush()
            except OSError as error:
                print(error.strerror, os.path.getsize("fill") // 1024**2)
        """)
        left = os.listdir(workdir)
    words, _, megabytes = ran.stdout.strip().rpartition(" ")
    assert words == "No space left on device", ran.stderr
    assert int(megabytes) <= sandbox.WORKDIR_BYTES // 1024**2
    assert left == []  # it was written to the sandbox's tmpfs, never to the folder itself


def test_no_network_but_its_own_loopback(box, submission):
    with working_folder() as workdir:
        ran = run_in_sandbox(box, submission, workdir, """
            import socket
            print(socket.if_nameindex())
            try:
                socket.create_connection(("1.1.1.1", 53), timeout=3)
            except OSError as error:
                print(type(error).__name__)
        """)
    assert ran.stdout.splitlines() == ["[(1, 'lo')]", "OSError"], ran.stderr


def test_it_runs_as_nobody_with_no_privileges_and_no_secrets(box, submission, monkeypatch):
    with working_folder() as workdir:
        command = sandbox.child_command(
            box, [sys.executable, "-c", textwrap.dedent("""
                import os
                status = open("/proc/self/status").read()
                no_caps = "CapEff:\\t0000000000000000" in status
                print(os.getuid(), "NoNewPrivs:\\t1" in status, no_caps)
                print(sorted(os.environ))
            """)], exercise=EXERCISE, submission=submission, workdir=workdir,
            env={"PYTHONPATH": str(PACK_ROOT), "GITHUB_TOKEN": "secret"},
        )
        ran = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=workdir)
    uid_line, names = ran.stdout.splitlines()
    assert uid_line == f"{sandbox.SANDBOX_UID} True True", ran.stderr
    assert "GITHUB_TOKEN" not in names


def test_a_program_that_leaves_the_group_dies_with_the_child(box, submission, tmp_path):
    marker = f"outliving-{os.getpid()}-{time.monotonic_ns()}"
    with working_folder() as workdir:
        ran = run_in_sandbox(box, submission, workdir, f"""
            import subprocess, sys
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", {marker!r}],
                             start_new_session=True)
            print("started")
        """)
    assert ran.stdout.strip() == "started", ran.stderr
    time.sleep(0.2)  # the pid namespace ends its processes as its first one goes
    assert not [
        entry for entry in Path("/proc").iterdir() if entry.name.isdigit()
        and marker.encode() in _cmdline(entry)
    ]


def _cmdline(entry: Path) -> bytes:
    try:
        return (entry / "cmdline").read_bytes()
    except OSError:
        return b""


def test_the_results_say_which_isolation_graded_them(box, monkeypatch):
    from graders.engine.report import ExerciseReport, results_json

    report = ExerciseReport.not_judged(find_exercise("03"), "nothing")
    monkeypatch.setenv(sandbox.CHOICE_VARIABLE, "bubblewrap")
    assert results_json([report])["isolation"] == "bubblewrap"
    monkeypatch.setenv(sandbox.CHOICE_VARIABLE, "guard")
    assert results_json([report])["isolation"] == "guard"
    held = Isolation(("process group",), ("memory",))
    assert box.around(held).describe().startswith(
        "Isolation: bubblewrap sandbox (no network, the pack read-only, no solutions or other "
        "submissions) in process group; limits held: memory")
    assert sandbox.choose("guard").around(held).describe() == (
        "Isolation: process group; limits held: memory; no sandbox, the guard alone "
        "(AWAITLINGS_SANDBOX=guard).")


def test_a_grading_says_its_isolation_once_in_the_report_and_in_the_results_file(tmp_path):
    results_path = tmp_path / "results.json"
    finished = subprocess.run(
        [sys.executable, "-m", "graders", "check", "03", "04", "--submission", "solutions",
         "--reference", "--json", str(results_path)],
        cwd=PACK_ROOT, capture_output=True, text=True, timeout=120)
    assert finished.stdout.count("Isolation: ") == 1, finished.stdout
    results = json.loads(results_path.read_text())
    assert results["output"].count("Isolation: ") == 1
    assert results["isolation"] in (sandbox.BUBBLEWRAP, sandbox.GUARD)


def test_without_bwrap_the_guard_grades_alone_unless_the_sandbox_is_required(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    found = sandbox.choose("auto")
    assert not found.sandboxed and found.why == "bubblewrap is not installed"
    with pytest.raises(sandbox.SandboxUnavailable, match="not installed"):
        sandbox.choose("bubblewrap")


def test_the_probe_works_for_a_pack_whose_temporary_folder_holds_it(box, monkeypatch):
    # A fresh clone under /tmp, with TMPDIR unset: the probe's working folder must not be a tmpfs
    # laid over the folder that holds the pack and its Python.
    monkeypatch.setenv("TMPDIR", str(PACK_ROOT.parent))
    assert sandbox.probe().sandboxed, sandbox.probe().why
