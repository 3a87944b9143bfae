"""The pack as a whole: every solution gets full marks, every stub fails every check, and the
visible tests of each exercise fail on its stub and pass on its solution."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_exercise, grade_folder, make_submission, solution_files, stub_files

from graders.manifest import PACK_ROOT, Exercise, load_exercises

EXERCISES = load_exercises()


def ids(exercise: Exercise) -> str:
    return exercise.folder


@pytest.mark.parametrize("exercise", EXERCISES, ids=ids)
def test_solution_gets_full_marks(exercise: Exercise, tmp_path: Path):
    folder = make_submission(tmp_path, exercise, solution_files(exercise))
    results = grade_folder(exercise, folder)
    lost = [f"{r.name}: {r.message}" for r in results if not r.passed]
    assert not lost, "\n".join(lost)


@pytest.mark.parametrize("exercise", EXERCISES, ids=ids)
def test_stub_fails_every_check(exercise: Exercise):
    results = grade_folder(exercise, exercise.exercise_dir)
    passed = [r.name for r in results if r.passed]
    assert not passed, f"the untouched stub passes: {passed}"
    assert all(r.message for r in results)


@pytest.mark.parametrize("exercise", EXERCISES, ids=ids)
def test_every_check_is_worth_points_and_tagged(exercise: Exercise):
    from conftest import suite_checks

    checks = suite_checks(exercise)
    assert checks, f"{exercise.label} has no checks"
    assert all(check.points > 0 and check.tags for check in checks)
    assert len({check.name for check in checks}) == len(checks), "check names repeat"


@pytest.mark.parametrize("exercise", EXERCISES, ids=ids)
def test_exercise_folder_has_readme_stub_and_visible_tests(exercise: Exercise):
    folder = exercise.exercise_dir
    assert (folder / "README.md").is_file()
    for module in exercise.modules:
        assert "TODO" in (folder / module).read_text()
        assert (exercise.solution_dir / module).is_file()
    assert list(folder.glob("test_*.py")), "no visible tests"
    for name in exercise.provided:
        assert (folder / name).is_file(), f"provided file {name} is missing"


def test_no_stray_exercise_folders():
    known = {exercise.folder for exercise in EXERCISES}
    for parent in ("exercises", "solutions"):
        found = {p.name for p in (PACK_ROOT / parent).iterdir() if p.is_dir()}
        assert found <= known | {"__pycache__"}, f"{parent}/ has folders the manifest lacks"


def run_visible_tests(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
        capture_output=True, text=True, cwd=folder, timeout=120,
    )


@pytest.mark.parametrize("exercise", EXERCISES, ids=ids)
def test_visible_tests_fail_on_the_stub(exercise: Exercise, tmp_path: Path):
    folder = copy_exercise(exercise, tmp_path)
    finished = run_visible_tests(folder)
    assert finished.returncode == 1, finished.stdout + finished.stderr


@pytest.mark.parametrize("exercise", EXERCISES, ids=ids)
def test_visible_tests_pass_on_the_solution(exercise: Exercise, tmp_path: Path):
    folder = copy_exercise(exercise, tmp_path)
    for name, text in solution_files(exercise).items():
        (folder / name).write_text(text)
    finished = run_visible_tests(folder)
    assert finished.returncode == 0, finished.stdout + finished.stderr


def test_stub_files_helper_reads_the_exercise():
    for exercise in EXERCISES:
        assert set(stub_files(exercise)) == set(exercise.modules)
