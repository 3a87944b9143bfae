"""A new exercise appears in every classroom tool without extra work.

In a copy of the pack, a made-up exercise 90 (a module, its solution, a suite, a manifest entry:
what DEVELOPING.md asks of every exercise) is added; then the nbgrader course, the GitHub
Classroom workflow, the Gradescope zip and batch grading all cover it, and grade it.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from graders.manifest import PACK_ROOT

SOLUTION = '''"""Echo, made up for the pack's tests."""


async def echo(x):
    """Return x."""
    ### BEGIN SOLUTION
    return x
    ### END SOLUTION
'''

SUITE = '''"""Checks of the made-up exercise 90."""

import asyncio

from graders.kit.checks import CheckFailed, Suite
from graders.kit.context import fail_on_blocking_calls

SUITE = Suite()


@SUITE.check("echo returns its argument", points=2, tags=("results",))
def echo_returns(ctx):
    got = ctx.call("echo(5)", lambda: asyncio.run(ctx.function("echo")(5)))
    if got != 5:
        raise CheckFailed("echo(5) is wrong", expected="5", actual=repr(got))


@SUITE.check("echo never blocks", points=1, tags=("blocking",))
def echo_never_blocks(ctx):
    fail_on_blocking_calls(ctx.static_blocking_calls(), step_lesson="echo only returns")
'''

MANIFEST_ENTRY = '''
[[exercise]]
number = "90"
slug = "echo"
title = "Echo"
modules = ["echo.py"]

[exercise.hints]
echo_returns = ["Return what you were given."]
echo_never_blocks = ["Nothing to wait for: no sleep at all."]
'''


def run(pack: Path, *args: str) -> subprocess.CompletedProcess:
    finished = subprocess.run([sys.executable, *args], cwd=pack, capture_output=True, text=True,
                              timeout=600)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return finished


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pack = tmp_path_factory.mktemp("pack")
    ignore = shutil.ignore_patterns("__pycache__", ".venv", "build", "*.egg-info", ".git")
    for name in ("graders", "exercises", "solutions", "classroom"):
        shutil.copytree(PACK_ROOT / name, pack / name, ignore=ignore)
    for name in ("exercises.toml", "pyproject.toml"):
        shutil.copy(PACK_ROOT / name, pack / name)
    (pack / "solutions" / "90_echo").mkdir()
    (pack / "solutions" / "90_echo" / "echo.py").write_text(SOLUTION)
    (pack / "exercises" / "90_echo").mkdir()
    (pack / "exercises" / "90_echo" / "README.md").write_text("# 90 · Echo\n\nReturn x.\n")
    (pack / "graders" / "suites" / "echo.py").write_text(SUITE)
    with (pack / "exercises.toml").open("a") as manifest:
        manifest.write(MANIFEST_ENTRY)
    run(pack, "-m", "graders", "generate")
    return pack


def test_the_classroom_files_go_stale_and_regenerate_with_it(pack: Path):
    stale = subprocess.run([sys.executable, "-m", "graders.teachers.classroom", "--check"],
                           cwd=pack, capture_output=True, text=True)
    assert stale.returncode == 1 and "90_echo" in stale.stderr
    run(pack, "-m", "graders.teachers.classroom")
    run(pack, "-m", "graders.teachers.classroom", "--check")
    notebook = json.loads(
        (pack / "classroom/nbgrader/source/90_echo/90_echo.ipynb").read_text())
    sources = ["".join(cell["source"]) for cell in notebook["cells"]]
    assert any(source.startswith("%%module echo.py\n") for source in sources)
    tests = [s for s in sources if "check('90'" in s]
    assert len(tests) == 2 and sum("HIDDEN TESTS" in s for s in tests) == 1
    workflow = (pack / "classroom/github-classroom.yml").read_text()
    assert "run: python -m graders.teachers.ghclassroom result 90 --scale " in workflow
    assert "runners: " in workflow and ",exercise-90" in workflow


def test_gradescope_grades_it(pack: Path, tmp_path: Path):
    run(pack, "-m", "graders.teachers.gradescope", "build",
        "--out", str(tmp_path / "autograder.zip"))
    root = tmp_path / "autograder"
    with zipfile.ZipFile(tmp_path / "autograder.zip") as archive:
        assert "exercises/90_echo/README.md" in archive.namelist()
        archive.extractall(root / "source")
    (root / "submission").mkdir()
    shutil.copy(pack / "solutions/90_echo/echo.py", root / "submission")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AWAITLINGS_PYTHON": sys.executable}
    subprocess.run(["bash", str(root / "source/run_autograder")], env=env, check=True,
                   capture_output=True, timeout=600)
    results = json.loads((root / "results/results.json").read_text())
    echo_tests = [t for t in results["tests"] if t["name"].startswith("90 echo: ")]
    assert [t["score"] for t in echo_tests] == [2, 1]
    assert [t["visibility"] for t in echo_tests] == ["visible", "after_due_date"]


def test_batch_grading_grades_it(pack: Path, tmp_path: Path):
    shutil.copytree(pack / "solutions", tmp_path / "class/ada")
    shutil.copytree(pack / "exercises", tmp_path / "class/bob")
    run(pack, "-m", "graders.teachers.batch", str(tmp_path / "class"),
        "--out", str(tmp_path / "out"))
    rows = list(csv.DictReader((tmp_path / "out/grades.csv").open()))
    score = {(row["student"], row["exercise"]): float(row["score"]) for row in rows}
    assert score["ada", "90_echo"] == 3 and score["bob", "90_echo"] < 3
