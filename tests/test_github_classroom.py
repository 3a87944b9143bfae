"""The GitHub Classroom workflow: one command-grader step per exercise, worth its points, all
reported by the grading reporter; and the commands it runs grade a student's repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graders.manifest import PACK_ROOT, load_exercises
from graders.teachers import classroom, ghclassroom

EXERCISES = load_exercises()
COMMAND_GRADER = "classroom-resources/autograding-command-grader@v1"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"


@pytest.fixture(scope="module")
def steps() -> list[dict]:
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load(classroom.WORKFLOW_PATH.read_text())
    assert workflow["name"] == "Autograding Tests"  # the check run the reporter looks for
    assert workflow["permissions"]["checks"] == "write"
    return workflow["jobs"]["run-autograding-tests"]["steps"]


def test_each_exercise_is_a_command_grader_step_worth_its_points(steps: list[dict]):
    graders = [step for step in steps if step.get("uses") == COMMAND_GRADER]
    assert [step["id"] for step in graders] == [ghclassroom.step_id(ex) for ex in EXERCISES]
    for step, exercise in zip(graders, EXERCISES, strict=True):
        assert step["with"]["command"] == f"python -m graders check {exercise.number}"
        assert float(step["with"]["max-score"]) == ghclassroom.exercise_points(exercise) > 0
        assert step["with"]["test-name"].startswith(exercise.label)


def test_the_reporter_gets_every_steps_result(steps: list[dict]):
    reporter = steps[-1]
    assert reporter["uses"] == REPORTER
    runners = reporter["with"]["runners"].split(",")
    assert runners == [ghclassroom.step_id(ex) for ex in EXERCISES]
    for runner in runners:  # the reporter reads <RUNNER in capitals>_RESULTS
        assert reporter["env"][f"{runner.upper()}_RESULTS"] == (
            f"${{{{ steps.{runner}.outputs.result }}}}"
        )


def student_repository(root: Path, solved: bool) -> Path:
    """What a student's repository holds: the pack without solutions/ or tests/."""
    repo = root / ("solved" if solved else "untouched")
    for name in ("graders", "exercises"):
        shutil.copytree(PACK_ROOT / name, repo / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("exercises.toml", "pyproject.toml"):
        shutil.copy(PACK_ROOT / name, repo / name)
    if solved:
        for exercise in EXERCISES:
            for module in exercise.modules:
                shutil.copy(exercise.solution_dir / module, repo / "exercises" / exercise.folder)
    return repo


def run_step(command: str, repo: Path, bin_dir: Path) -> int:
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "-c", command], cwd=repo, env=env, capture_output=True,
                          timeout=300).returncode


@pytest.mark.parametrize("solved", [True, False], ids=["solved", "untouched"])
def test_the_steps_commands_grade_the_students_repository(steps: list[dict], solved: bool,
                                                          tmp_path: Path):
    bin_dir = tmp_path / "bin"  # `python`, as actions/setup-python provides it
    bin_dir.mkdir()
    python = bin_dir / "python"  # a script, not a link: a venv's python must keep its own path
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    repo = student_repository(tmp_path, solved)
    for step in steps:
        if step.get("uses") == COMMAND_GRADER:
            assert run_step(step["with"]["command"], repo, bin_dir) == (0 if solved else 1)
