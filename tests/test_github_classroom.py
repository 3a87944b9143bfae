"""GitHub Classroom: the workflow (a step per exercise, every check worth its points, all reported
by the grading reporter), the template repository, and the learner's commands working in it."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import VARIANTS_DIR

from graders.engine.report import ExerciseReport
from graders.kit.checks import CheckResult
from graders.kit.failure import Failure
from graders.manifest import load_exercises
from graders.stubs import BEGIN, END, STUBS_DIR_NAME
from graders.teachers import classroom, ghclassroom

EXERCISES = load_exercises()
REPORTER = "classroom-resources/autograding-grading-reporter@v1"
PARTIAL = ("07", "07_pubsub/tutorial_noticed_on_next_write.py")
"""A wrong variant that loses some of an exercise's checks and keeps the others."""


@pytest.fixture(scope="module")
def workflow() -> dict:
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load(classroom.WORKFLOW_PATH.read_text())
    assert workflow["name"] == "Autograding Tests"  # the check run the reporter looks for
    assert workflow["permissions"]["checks"] == "write"
    return workflow


@pytest.fixture(scope="module")
def steps(workflow: dict) -> list[dict]:
    return workflow["jobs"]["run-autograding-tests"]["steps"]


def grading_steps(steps: list[dict]) -> list[dict]:
    return [step for step in steps if str(step.get("id", "")).startswith("exercise-")]


def test_on_is_in_the_mapping_form(workflow: dict):
    assert isinstance(workflow["on"], dict)  # the list form is refused by older actionlints
    assert set(workflow["on"]) == {"push", "repository_dispatch"}


def test_each_exercise_is_a_step_that_grades_it(steps: list[dict]):
    graders = grading_steps(steps)
    assert [step["id"] for step in graders] == [ghclassroom.step_id(ex) for ex in EXERCISES]
    scale = ghclassroom.point_scale(EXERCISES)
    for step, exercise in zip(graders, EXERCISES, strict=True):
        assert step["run"] == ghclassroom.grade_command(exercise, scale)
        assert step["name"].startswith(exercise.label)
        assert 0 < step["timeout-minutes"] <= 5


def test_the_reporter_gets_every_steps_result(steps: list[dict]):
    reporter = steps[-1]
    assert reporter["uses"] == REPORTER
    runners = reporter["with"]["runners"].split(",")
    assert runners == [ghclassroom.step_id(ex) for ex in EXERCISES]
    for runner in runners:  # the reporter reads <RUNNER in capitals>_RESULTS
        assert reporter["env"][f"{runner.upper()}_RESULTS"] == (
            f"${{{{ steps.{runner}.outputs.result }}}}"
        )


def test_the_scale_makes_every_checks_points_whole():
    scale = ghclassroom.point_scale(EXERCISES)
    points = [check.points for ex in EXERCISES for check in ex.checks()]
    assert any(p != int(p) for p in points), "no half point left to test the scale with"
    assert all(p * scale == int(p * scale) for p in points)
    assert ghclassroom.point_scale([]) == 1


def test_half_points_count_in_the_reporters_sum():
    exercise = next(ex for ex in EXERCISES if any(c.points != int(c.points) for c in ex.checks()))
    results = [CheckResult(check.name, check.points * (index % 2), check.points, index % 2 == 1,
                           check.tags, None if index % 2 else Failure("wrong"))
               for index, check in enumerate(exercise.checks())]
    report = ExerciseReport(exercise, results)
    scale = ghclassroom.point_scale(EXERCISES)
    result = ghclassroom.reporter_result(report, scale)
    assert sum(test["score"] for test in result["tests"]) == report.score * scale
    assert result["max_score"] == report.max_score * scale
    assert all(isinstance(test["score"], int) for test in result["tests"])


def solution_regions(text: str) -> list[str]:
    regions, current = [], None
    for line in text.splitlines():
        if BEGIN.match(line):
            current = []
        elif END.match(line):
            regions.append("\n".join(current or []))
            current = None
        elif current is not None:
            current.append(line)
    return [region for region in regions if len(region.strip()) > 12]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ghclassroom.template(tmp_path_factory.mktemp("template") / "repo", EXERCISES)


def test_the_template_holds_no_solution(template: Path):
    files = [path for path in template.rglob("*") if path.is_file()]
    assert not [path for path in files
                if path.relative_to(template).parts[0] in ("solutions", "tests", "classroom")]
    regions = [region for ex in EXERCISES for module in ex.modules
               for region in solution_regions((ex.solution_dir / module).read_text())]
    texts = {path: path.read_text(errors="replace") for path in files}
    assert not [(path, region) for region in regions for path, text in texts.items()
                if region in text]


def test_the_template_has_the_workflow_and_the_stubs(template: Path):
    assert (template / ghclassroom.WORKFLOW_IN_TEMPLATE).read_text() == (
        classroom.WORKFLOW_PATH.read_text())
    for exercise in EXERCISES:
        for module in exercise.modules:
            kept = template / STUBS_DIR_NAME / exercise.folder / module
            assert kept.read_text() == (exercise.exercise_dir / module).read_text()


def learner_env(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"  # `python`, as actions/setup-python provides it
    bin_dir.mkdir(exist_ok=True)
    python = bin_dir / "python"  # a script, not a link: a venv's python must keep its own path
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "AWAITLINGS_STATE_DIR": str(tmp_path / "state"), "NO_COLOR": "1"}


def run_in(repo: Path, command: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=300)


def test_the_learners_commands_work_in_the_template(template: Path, tmp_path: Path):
    env = learner_env(tmp_path)
    # make's own set-up of .venv/ is the pack's (it needs the network): this checkout's .venv
    # stands in for it, its stamp newer than the template's pyproject.
    os.utime(template / "pyproject.toml", (0, 0))
    make = f"make --no-print-directory VENV={Path(sys.executable).parent.parent}"
    module = template / "exercises" / "03_byhand" / "byhand.py"
    stub = module.read_text()
    module.write_text(stub + "\n# my work\n")
    reset = run_in(template, f"{make} reset EXERCISE=03", env)
    assert reset.returncode == 0, reset.stdout + reset.stderr
    assert module.read_text() == stub and "fresh stub" in reset.stdout
    assert "# my work" in next((tmp_path / "state" / "backups").rglob("byhand.py")).read_text()
    hint = run_in(template, f"{make} hint EXERCISE=03", env)
    assert hint.returncode == 0 and "Hint 1 of" in hint.stdout, hint.stdout + hint.stderr
    progress = run_in(template, f"{make} progress", env)
    assert progress.returncode == 0 and "not started" in progress.stdout, progress.stdout
    check = run_in(template, f"{make} check EXERCISE=03", env)
    assert check.returncode == 2 and "not written yet" in check.stdout, check.stdout
    for command, says in ((f"{make} farm PORT=0 DELAY=0", "The farm is open on"),
                          (f"{make} watch EXERCISE=03", "Watching 03_byhand/")):
        assert says in first_words_of(template, command, env, says)
    visible = run_in(template, "python -m pytest -q -p no:cacheprovider exercises/03_byhand", env)
    assert visible.returncode == 1 and "failed" in visible.stdout, visible.stdout


def first_words_of(repo: Path, command: str, env: dict[str, str], until: str) -> str:
    """What a command that runs until stopped (the farm, watch) prints, up to `until`; then it is
    stopped. (`timeout` ends it anyway, should it never say so.)"""
    process = subprocess.Popen(["timeout", "120", "bash", "-c", command], cwd=repo, env=env,
                               text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    seen = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            seen.append(line)
            if until in line:
                break
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    return "".join(seen)


def step_result(step: dict, repo: Path, env: dict[str, str], tmp_path: Path) -> dict:
    output = tmp_path / f"{step['id']}.out"
    finished = run_in(repo, step["run"], {**env, "GITHUB_OUTPUT": str(output)})
    assert finished.returncode == 0, finished.stdout + finished.stderr
    key, _, value = output.read_text().strip().partition("=")
    assert key == "result"
    return json.loads(base64.b64decode(value))


def solve(repo: Path, number: str, extra: str = "") -> None:
    exercise = next(ex for ex in EXERCISES if ex.number == number)
    for module in exercise.modules:
        text = (exercise.solution_dir / module).read_text()
        if module == exercise.main_module and extra:
            text += "\n\n" + extra
        (repo / "exercises" / exercise.folder / module).write_text(text)


def test_the_steps_give_every_check_its_points(steps: list[dict], tmp_path: Path):
    repo = ghclassroom.template(tmp_path / "repo", EXERCISES)
    env = learner_env(tmp_path)
    number, variant = PARTIAL
    for exercise in EXERCISES:
        solve(repo, exercise.number,
              (VARIANTS_DIR / variant).read_text() if exercise.number == number else "")
    scale = ghclassroom.point_scale(EXERCISES)
    for step, exercise in zip(grading_steps(steps), EXERCISES, strict=True):
        result = step_result(step, repo, env, tmp_path)
        scores = [test["score"] for test in result["tests"]]
        assert len(result["tests"]) == len(exercise.checks())
        assert result["max_score"] == ghclassroom.exercise_points(exercise) * scale
        if exercise.number == number:  # some checks lost, the others' points kept
            assert 0 < sum(scores) < result["max_score"]
            assert result["status"] == "fail"
            lost = [test for test in result["tests"] if test["status"] == "fail"]
            assert all(test["score"] == 0 and test["message"] for test in lost)
        else:
            assert sum(scores) == result["max_score"] and result["status"] == "pass"


def test_an_untouched_repository_scores_zero(steps: list[dict], tmp_path: Path):
    repo = ghclassroom.template(tmp_path / "repo", EXERCISES)
    env = learner_env(tmp_path)
    step = grading_steps(steps)[0]
    result = step_result(step, repo, env, tmp_path)
    assert result["status"] == "fail" and result["max_score"] > 0
    assert all(test["score"] == 0 and test["status"] == "fail" for test in result["tests"])

