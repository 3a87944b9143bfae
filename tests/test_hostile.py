"""Broken and hostile submissions: each gets its verdict, quickly, and leaves nothing behind.

Each folder tests/hostile/NN_slug/ holds case files and one hostile.toml: a table per file, named
by the file's stem, with the fields of `Case` (the exercise is the folder's, the file the
table's): the checks that must fail (and the words their messages must hold), the checks that must
still pass, and the files the submission must not manage to create, checks named by their ids.
Add a case for every new way of breaking or cheating that you think of; an exercise's cases run
once it is in the manifest.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import grade_folder, make_submission, solution_files, stub_files, why_not_judged_here

from graders.engine import sandbox
from graders.engine.parent import ChildLimits
from graders.manifest import PACK_ROOT, find_exercise, load_exercises

HOSTILE_DIR = Path(__file__).parent / "hostile"
HOSTILE = ChildLimits(import_seconds=3, check_seconds=2, exercise_seconds=20, max_processes=4)
"""Short limits, so that the cases that hang cost seconds, not minutes."""


LISTING = "hostile.toml"
"""The name of each exercise folder's list of cases."""


@dataclass(frozen=True)
class Case:
    folder: str
    """The exercise's folder under tests/hostile/ ("03_byhand"); its number is the exercise."""
    stem: str
    """The case's file in that folder, without ".py": the name of its table."""
    why: str
    """What the submission does, in a few words."""
    base: str = "solution"
    """What the file is appended to: "solution", "stub" (nothing may pass), or "none" (the file
    is the whole module)."""
    expect: str = "fail"
    """"fail", or "pass": the grader must not punish what is harmless."""
    fails: str | tuple[str, ...] = "all"
    """"all", or the ids of the checks that must fail; every one's message holds each of `says`."""
    still_passes: tuple[str, ...] = ()
    """Ids of checks that must pass all the same, with their points: the grading goes on past the
    damage (a hang or an early exit fails only the check it happened in)."""
    says: tuple[str, ...] = ()
    """Words the message of every check of `fails` holds."""
    creates: tuple[str, ...] = ()
    """Paths, relative to the submission folder, that must not exist afterwards."""
    only_in: str = ""
    """An isolation outside which the case is not graded: "bubblewrap" for what the guard alone
    lets through (SECURITY.md says so); "guard" for what only the guard's stopgaps meet, the
    sandbox making it harmless in another way (a tmpfs that is full). Every other case is graded
    in both: in the bubblewrap sandbox (where it works) and under the guard alone."""

    @property
    def exercise(self) -> str:
        return self.folder.split("_", 1)[0]

    @property
    def file(self) -> str:
        return f"{self.folder}/{self.stem}.py"

    @property
    def path(self) -> Path:
        return HOSTILE_DIR / self.file


def load_cases() -> list[Case]:
    cases = []
    for listing in sorted(HOSTILE_DIR.glob(f"*/{LISTING}")):
        for stem, entry in tomllib.loads(listing.read_text()).items():
            fields = {key: tuple(value) if isinstance(value, list) else value
                      for key, value in entry.items()}
            cases.append(Case(folder=listing.parent.name, stem=stem, **fields))
    return cases


CASES = load_cases()
IN_PACK = [case for case in CASES if find_exercise(case.exercise) is not None]


def test_every_case_is_well_formed():
    for case in CASES:
        assert case.base in ("solution", "stub", "none"), case
        assert case.expect in ("pass", "fail"), case
        assert (case.expect == "fail") == bool(case.fails and case.says), case
        assert case.fails == "all" or isinstance(case.fails, tuple), case
        assert case.only_in in ("", sandbox.BUBBLEWRAP, sandbox.GUARD), case
    for case in IN_PACK:
        exercise = find_exercise(case.exercise)
        assert exercise is not None and exercise.folder == case.folder, case
        ids = [check.id for check in exercise.checks()]
        named = set(case.still_passes) | (set() if case.fails == "all" else set(case.fails))
        assert named <= set(ids), f"{case.file}: {named - set(ids)} are no checks of {ids}"


def test_every_case_file_has_an_entry_and_every_entry_a_file():
    listed = {case.file for case in CASES}
    on_disk = {str(path.relative_to(HOSTILE_DIR)) for path in HOSTILE_DIR.rglob("*.py")}
    assert sorted(on_disk - listed) == [], f"files without an entry in their folder's {LISTING}"
    assert sorted(listed - on_disk) == [], "entries without a file"


def submission_text(case: Case, exercise) -> dict[str, str]:
    files = stub_files(exercise) if case.base == "stub" else solution_files(exercise)
    text = case.path.read_text()
    main = exercise.main_module
    files[main] = text if case.base == "none" else files[main] + "\n\n" + text
    return files


def processes_mentioning(marker: str) -> list[str]:
    """Processes whose command line holds `marker`: a child or its forks left running. A fork
    server's sandbox that shows the submission (its bwrap's command line names it) is kept for
    the next child, so it is no leftover; every other process in it is (the server kills what a
    child left before the parent hears that the child ended)."""
    found = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            command = _command_line(int(entry.name))
            if marker not in command:
                continue
            if _is_fork_servers_sandbox(int(entry.name), command):
                found += [f"{pid}: {_command_line(pid)} (in a fork server's sandbox)"
                          for pid in _left_in_sandbox(int(entry.name))]
            elif "graders.engine.forking --sandboxed" not in command:  # its pid 1, its server
                found.append(f"{entry.name}: {command}")
    return found


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _is_fork_servers_sandbox(pid: int, command: str) -> bool:
    return command.split(" ", 1)[0].endswith("bwrap") and "graders.engine.forking" in command


def _children(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in children.split()]


def _left_in_sandbox(bwrap: int) -> list[int]:
    """The processes of a fork server's sandbox other than bwrap's pid 1 and the server (its
    pid 2: the one program pid 1 started; a fork of a child has the server's command line)."""
    left = []
    for pid_one in _children(bwrap):
        for held in _children(pid_one):
            if innermost_pid(held) != 2:
                left.append(held)  # something pid 1 holds: a process an earlier child left
            left += _descendants(held)
    return left


def innermost_pid(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    lines = [line for line in status.splitlines() if line.startswith("NSpid:")]
    return int(lines[0].split()[-1]) if lines else None


def _descendants(pid: int) -> list[int]:
    found, todo = [], _children(pid)
    while todo:
        current = todo.pop()
        found.append(current)
        todo += _children(current)
    return found


@pytest.mark.parametrize("case", IN_PACK, ids=lambda case: case.file)
def test_case_gets_its_verdict(case: Case, tmp_path: Path, graded_in: str):
    if case.only_in and case.only_in != graded_in:
        pytest.skip(f"graded under {case.only_in} only: {case.why} (SECURITY.md)")
    not_here = why_not_judged_here(case.path.read_text(), case.file)
    if not_here:
        pytest.skip(not_here)
    exercise = find_exercise(case.exercise)
    folder = make_submission(tmp_path, exercise, submission_text(case, exercise))
    started = time.monotonic()
    results = grade_folder(exercise, folder, HOSTILE)
    took = time.monotonic() - started

    assert took < HOSTILE.exercise_seconds + HOSTILE.import_seconds, f"{case.why}: {took:.1f} s"
    assert not processes_mentioning(str(tmp_path)), f"{case.why}: processes left running"
    for name in case.creates:
        assert not (folder.parent / name).exists(), f"{case.why}: it created {name}"
    report = "\n".join(f"{r.name} [{'passed' if r.passed else 'failed'}]: {r.message}"
                       for r in results)
    if case.expect == "pass":
        assert all(r.passed for r in results), f"{case.why}: lost marks:\n{report}"
        return
    by_id = {result.id: result for result in results}
    must_fail = list(by_id) if case.fails == "all" else case.fails
    for check_id in must_fail:
        assert not by_id[check_id].passed, f"{case.why}: {check_id} passed:\n{report}"
        for words in case.says:
            assert words in by_id[check_id].message, \
                f"{case.why}: {check_id} lacks {words!r}:\n{report}"
    for check_id in case.still_passes:
        # A hang or an early exit fails only its own check (the contract): the others keep theirs.
        passed = by_id[check_id].passed and by_id[check_id].points == by_id[check_id].max_points
        assert passed, f"{case.why}: {check_id} should still pass:\n{report}"
    for result in results:
        assert len(result.message) + len(result.student_output) < 40_000, result.name


SPOILT_PROVIDED = 'raise RuntimeError("the submission\'s copy of a provided file was loaded")\n'
SPOILT_TEST = "raise SystemExit('the visible tests of the submission were run')\n"


@pytest.mark.parametrize("exercise", load_exercises(), ids=lambda exercise: exercise.folder)
def test_the_submissions_provided_files_and_visible_tests_are_ignored(exercise, tmp_path: Path):
    files = solution_files(exercise)
    files.update({name: SPOILT_PROVIDED for name in exercise.provided})
    files.update({path.name: SPOILT_TEST for path in exercise.exercise_dir.glob("test_*.py")})
    results = grade_folder(exercise, make_submission(tmp_path, exercise, files))
    lost = [f"{r.name}: {r.message}" for r in results if not r.passed]
    assert not lost, "\n".join(lost)


@pytest.mark.parametrize("exercise", load_exercises(), ids=lambda exercise: exercise.folder)
def test_grading_the_reference_solutions_themselves_is_not_flagged(exercise):
    results = grade_folder(exercise, exercise.solution_dir, reference=True)
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]


def run_grader(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "graders", *args],
        capture_output=True, text=True, cwd=PACK_ROOT, timeout=120,
    )


def test_a_forged_pass_and_exit_status_do_not_reach_the_results_file(tmp_path: Path):
    exercise = find_exercise("03")
    forged = (HOSTILE_DIR / "03_byhand" / "os_exit_at_import.py").read_text()
    files = solution_files(exercise)
    files[exercise.main_module] += "\n\n" + forged
    submission = make_submission(tmp_path, exercise, files).parent
    results_path = tmp_path / "results.json"
    finished = run_grader("check", "03", "--submission", str(submission),
                          "--json", str(results_path))
    assert finished.returncode == 1
    assert "0/10 points" in finished.stdout
    assert json.loads(results_path.read_text())["score"] == 0
