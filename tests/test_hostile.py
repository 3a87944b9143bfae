"""Broken and hostile submissions: each gets its verdict, quickly, and leaves nothing behind.

tests/hostile/hostile.toml lists the cases, one file each under tests/hostile/NN_slug/, with the
checks that must fail (and the words their messages must hold), the checks that must still pass,
and the files the submission must not manage to create. Add a case for every new way of breaking
or cheating that you think of; an exercise's cases run once it is in the manifest.
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
from conftest import grade_folder, make_submission, solution_files, stub_files

from graders.engine.parent import ChildLimits
from graders.manifest import PACK_ROOT, find_exercise, load_exercises

HOSTILE_DIR = Path(__file__).parent / "hostile"
HOSTILE = ChildLimits(import_seconds=3, check_seconds=2, exercise_seconds=20, max_processes=4)
"""Short limits, so that the cases that hang cost seconds, not minutes."""


@dataclass(frozen=True)
class Case:
    exercise: str
    file: str
    why: str
    base: str = "solution"
    expect: str = "fail"
    fails: str | tuple[str, ...] = "all"
    still_passes: tuple[str, ...] = ()
    says: tuple[str, ...] = ()
    creates: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        return HOSTILE_DIR / self.file


def load_cases() -> list[Case]:
    cases = []
    for entry in tomllib.loads((HOSTILE_DIR / "hostile.toml").read_text())["case"]:
        for key in ("still_passes", "says", "creates"):
            entry[key] = tuple(entry.get(key, ()))
        if isinstance(entry.get("fails"), list):
            entry["fails"] = tuple(entry["fails"])
        cases.append(Case(**entry))
    return cases


CASES = load_cases()
IN_PACK = [case for case in CASES if find_exercise(case.exercise) is not None]


def test_every_case_is_well_formed():
    for case in CASES:
        assert case.path.is_file(), case.file
        assert case.file.startswith(f"{case.exercise}_"), case.file
        assert case.base in ("solution", "stub", "none"), case
        assert case.expect in ("pass", "fail"), case
        assert (case.expect == "fail") == bool(case.fails and case.says), case
        assert case.fails == "all" or isinstance(case.fails, tuple), case


def test_every_case_file_is_listed():
    listed = {case.file for case in CASES}
    on_disk = {str(path.relative_to(HOSTILE_DIR)) for path in HOSTILE_DIR.rglob("*.py")}
    assert on_disk == listed


def submission_text(case: Case, exercise) -> dict[str, str]:
    files = stub_files(exercise) if case.base == "stub" else solution_files(exercise)
    text = case.path.read_text()
    main = exercise.main_module
    files[main] = text if case.base == "none" else files[main] + "\n\n" + text
    return files


def processes_mentioning(marker: str) -> list[str]:
    """Processes whose command line holds `marker`: a child or its forks left running."""
    found = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if marker in command:
                found.append(f"{entry.name}: {command}")
    return found


@pytest.mark.parametrize("case", IN_PACK, ids=lambda case: case.file)
def test_case_gets_its_verdict(case: Case, tmp_path: Path):
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
    by_name = {result.name: result for result in results}
    must_fail = list(by_name) if case.fails == "all" else case.fails
    for name in must_fail:
        assert not by_name[name].passed, f"{case.why}: {name} passed:\n{report}"
        for words in case.says:
            assert words in by_name[name].message, f"{case.why}: {name} lacks {words!r}:\n{report}"
    for name in case.still_passes:
        # A hang or an early exit fails only its own check (the contract): the others keep theirs.
        passed = by_name[name].passed and by_name[name].points == by_name[name].max_points
        assert passed, f"{case.why}: {name} should still pass:\n{report}"
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
    results = grade_folder(exercise, exercise.solution_dir)
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
