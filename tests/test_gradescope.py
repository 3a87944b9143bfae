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


def test_requirements_are_the_packs_lock(autograder_zip: Path):
    with zipfile.ZipFile(autograder_zip) as archive:
        requirements = archive.read("requirements.txt").decode()
    assert requirements == gradescope.LOCK_PATH.read_text()
    assert gradescope.lock_problems(requirements) == []
    locked = gradescope.lock_entries(requirements)
    assert len(locked) > len(gradescope.direct_pins())  # what the pins need is locked too
    assert all(hashes > 0 for _, hashes in locked.values())


LOCKED = """\
aiohttp==3.14.5 \\
    --hash=sha256:0133c3c3b54a0bf1e71fa5c1ad95c93f07fd54e24ef1fe182f5122e1573d2bf1
    # via awaitlings
yarl==1.0 ; python_version >= '3.11' \\
    --hash=sha256:038c2c7e8caa26b6c8423779b5eaf1893904048a512c19b32fe841ffa5592b50
"""


def test_a_lock_behind_pyproject_is_reported(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(gradescope, "direct_pins", lambda: {"aiohttp": "3.14.6", "yarl": "1.0"})
    assert gradescope.lock_problems(LOCKED) == [
        "pyproject pins aiohttp==3.14.6, the lock has 3.14.5: run `make lock`"]
    monkeypatch.setattr(gradescope, "direct_pins", lambda: {"rich": "15.0.0"})
    assert gradescope.lock_problems(LOCKED) == [
        "pyproject pins rich==15.0.0, the lock does not have it: run `make lock`"]


def test_a_lock_without_hashes_is_reported(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(gradescope, "direct_pins", lambda: {"aiohttp": "3.14.5"})
    yarl_hash = LOCKED.splitlines()[4] + "\n"
    unhashed = LOCKED.replace(yarl_hash, "")
    assert gradescope.lock_problems(unhashed) == ["yarl==1.0 in the lock has no hash"]
    assert gradescope.lock_problems(LOCKED + "requests>=2\n") == [
        "unpinned: requests>=2 in the lock is not pinned with == and hashes"]


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


FAKE_PYTHON = """\
#!/bin/sh
# A Python 3.13 without venv and ensurepip, as Ubuntu ships it, until apt-get installs them.
if [ "$1" = "-c" ] && [ "$2" = "import ensurepip, venv" ] && [ ! -e "$FAKE_APT_DONE" ]; then
    exit 1
fi
exec "$BASE_PYTHON" "$@"
"""

FAKE_APT_GET = """\
#!/bin/sh
echo "$@" >> "$FAKE_APT_LOG"
if [ "$1" = "install" ]; then touch "$FAKE_APT_DONE"; fi
"""


def test_the_whole_bundle_runs_in_a_folder_of_ones_own(tmp_path: Path):
    """setup.sh and run_autograder in a temporary AUTOGRADER_ROOT, as TEACHERS.md says, on an
    image whose Python lacks venv: setup.sh installs it with apt-get (here, a stand-in)."""
    exercise = next(ex for ex in EXERCISES if ex.number == "03")
    root = tmp_path / "autograder"
    with zipfile.ZipFile(gradescope.build([exercise], tmp_path / "03.zip")) as archive:
        archive.extractall(root / "source")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("python3.13", FAKE_PYTHON), ("apt-get", FAKE_APT_GET)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    env = {key: value for key, value in os.environ.items() if key != "AWAITLINGS_PYTHON"}
    env.update(AUTOGRADER_ROOT=str(root), PATH=f"{bin_dir}{os.pathsep}{env['PATH']}",
               BASE_PYTHON=getattr(sys, "_base_executable", sys.executable),
               FAKE_APT_LOG=str(tmp_path / "apt.log"), FAKE_APT_DONE=str(tmp_path / "apt.done"))
    setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, cwd=tmp_path,
                           capture_output=True, text=True, timeout=900)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert f"install -y python{version}-venv" in (tmp_path / "apt.log").read_text()
    assert (root / "source" / ".venv" / "bin" / "python").exists()

    upload = root / "submission"
    upload.mkdir()
    for module in exercise.modules:
        (upload / module).write_text((exercise.solution_dir / module).read_text())
    graded = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    check_specification(results)
    assert results["score"] == results["max_score"] > 0
