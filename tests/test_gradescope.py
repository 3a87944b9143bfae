"""Gradescope: the autograder zip holds what it needs and no solution, and run_autograder writes
results.json to Gradescope's specification, for a good and a bad submission."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from graders.manifest import load_exercises
from graders.stubs import BEGIN, END
from graders.teachers import gradescope
from graders.teachers.nbcourse import HIDDEN_TAGS, suite_checks

EXERCISES = load_exercises()
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return gradescope.build(list(EXERCISES), tmp_path_factory.mktemp("zip") / "autograder.zip")


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
    return regions


def test_the_zip_has_gradescopes_scripts_at_its_root(autograder_zip: Path):
    with zipfile.ZipFile(autograder_zip) as archive:
        names = archive.namelist()
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert {"setup.sh", "run_autograder", "requirements.txt", "exercises.toml"} <= set(names)
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    assert "graders/engine/parent.py" in names
    for exercise in EXERCISES:
        for name in exercise.provided:
            assert f"exercises/{exercise.folder}/{name}" in names


def test_the_scripts_are_valid_bash():
    for script in (gradescope.SETUP_SH, gradescope.RUN_AUTOGRADER):
        subprocess.run(["bash", "-n"], input=script, text=True, check=True)


def test_requirements_are_the_packs_pinned_dependencies(autograder_zip: Path):
    with zipfile.ZipFile(autograder_zip) as archive:
        pins = archive.read("requirements.txt").decode().split()
    assert pins and all("==" in pin for pin in pins)
    assert any(pin.startswith("looptime==") for pin in pins)


def test_the_zip_holds_no_reference_solution(autograder_zip: Path):
    with zipfile.ZipFile(autograder_zip) as archive:
        contents = {name: archive.read(name).decode("utf-8", "replace")
                    for name in archive.namelist()}
    assert not [name for name in contents if name.startswith(("solutions/", "tests/"))]
    for exercise in EXERCISES:
        for module in exercise.modules:
            assert not [name for name in contents
                        if Path(name).name == module and not name.startswith("graders/")]
            solution = (exercise.solution_dir / module).read_text()
            for region in solution_regions(solution):
                if len(region.strip()) > 12:  # a one-word region could match by chance
                    assert not [name for name, text in contents.items() if region in text]


def run_autograder(source: Path, root: Path) -> dict:
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AWAITLINGS_PYTHON": sys.executable}
    finished = subprocess.run(["bash", str(source / "run_autograder")], env=env,
                              capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return json.loads((root / "results" / "results.json").read_text())


def check_specification(results: dict) -> None:
    assert isinstance(results["score"], float | int)
    assert isinstance(results["output"], str)
    for test in results["tests"]:
        assert {"name", "score", "max_score", "status", "output", "tags", "visibility"} <= set(test)
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in VISIBILITIES
        assert 0 <= test["score"] <= test["max_score"]
    assert results["score"] == sum(test["score"] for test in results["tests"])


@pytest.fixture(scope="module")
def unpacked(autograder_zip: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("autograder") / "source"
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(source)
    return source


def test_run_autograder_uses_the_graders_in_the_zip(unpacked: Path):
    finished = subprocess.run(
        [sys.executable, "-c", "import graders.manifest as m; print(m.PACK_ROOT)"],
        cwd=unpacked, capture_output=True, text=True, check=True,
    )
    assert Path(finished.stdout.strip()) == unpacked.resolve()


def test_a_good_flat_upload_gets_full_marks(unpacked: Path, tmp_path: Path):
    root = tmp_path / "autograder"
    upload = root / "submission"
    upload.mkdir(parents=True)
    for exercise in EXERCISES:
        for module in exercise.modules:
            (upload / module).write_text((exercise.solution_dir / module).read_text())
    (root / "source").symlink_to(unpacked)
    results = run_autograder(root / "source", root)
    check_specification(results)
    total = sum(check.points for ex in EXERCISES for check in suite_checks(ex))
    assert results["score"] == total > 0
    assert all(test["status"] == "passed" for test in results["tests"])
    hidden = [t for t in results["tests"] if set(t["tags"]) & set(HIDDEN_TAGS)]
    assert hidden and all(t["visibility"] == "after_due_date" for t in hidden)


def test_a_bad_upload_in_exercise_folders_scores_zero_with_reasons(unpacked: Path,
                                                                   tmp_path: Path):
    root = tmp_path / "autograder"
    exercise = EXERCISES[0]
    folder = root / "submission" / "my-work" / exercise.folder
    folder.mkdir(parents=True)
    for module in exercise.modules:  # the untouched stubs
        (folder / module).write_text((exercise.exercise_dir / module).read_text())
    (root / "source").symlink_to(unpacked)
    results = run_autograder(root / "source", root)
    check_specification(results)
    assert results["score"] == 0
    assert all(test["status"] == "failed" and test["output"] for test in results["tests"])
    if len(EXERCISES) > 1:
        assert "Not found in your upload" in results["output"]


def test_an_empty_upload_still_gets_a_results_file(unpacked: Path, tmp_path: Path):
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    (root / "source").symlink_to(unpacked)
    results = run_autograder(root / "source", root)
    check_specification(results)
    assert results["score"] == 0
    assert all("missing" in test["output"] for test in results["tests"])
    assert "Not found in your upload" in results["output"]


def test_a_zip_for_some_exercises_grades_only_those(tmp_path: Path):
    chosen = [EXERCISES[-1]]
    path = gradescope.build(chosen, tmp_path / "one.zip")
    with zipfile.ZipFile(path) as archive:
        assert archive.read(gradescope.GRADED_LIST).decode().split() == [chosen[0].number]
        readmes = [name for name in archive.namelist() if name.endswith("README.md")]
    assert readmes == [f"exercises/{chosen[0].folder}/README.md"]
