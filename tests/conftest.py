"""Helpers for the pack's own tests: build submissions in temporary folders and grade them."""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from graders.engine import sandbox
from graders.engine.parent import ChildLimits, grade
from graders.engine.processes import posix_processes
from graders.kit.checks import CheckResult
from graders.manifest import Exercise, find_exercise

VARIANTS_DIR = Path(__file__).parent / "variants"


posix_only = pytest.mark.skipif(
    not posix_processes(),
    reason="needs POSIX processes (fork, process groups, signals, select on pipes): not here",
)
"""For a test whose submission or harness uses what Windows lacks; the grading itself is tested
there by tests/test_platforms.py."""
needs_memory_limit = pytest.mark.skipif(
    sys.platform == "darwin", reason="macOS refuses the child's memory limit (RLIMIT_AS)"
)
POSIX_ONLY_CODE = re.compile(
    r"\b(os\.fork|forkpty|setsid|setpgid|setpgrp|killpg|getpgid|resource|fcntl|select\.select|"
    r"signal\.SIG\w+|libc|/proc)\b"
)


def why_not_judged_here(code: str, name: str) -> str | None:
    """Why a submission's code cannot get its Linux verdict on this system, or None: it uses
    what only POSIX has, or it needs a memory limit macOS refuses."""
    found = POSIX_ONLY_CODE.search(code)
    if found and not posix_processes():
        return f"uses {found.group(0)}, which only POSIX has"
    if "memory" in name and sys.platform == "darwin":
        return "macOS refuses the child's memory limit (RLIMIT_AS)"
    return None


def suite_checks(exercise: Exercise):
    return exercise.checks()


def make_submission(root: Path, exercise: Exercise, files: dict[str, str]) -> Path:
    """A submission folder holding one exercise folder with these files (name -> text)."""
    folder = root / "submission" / exercise.folder
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def solution_files(exercise: Exercise) -> dict[str, str]:
    return {name: (exercise.solution_dir / name).read_text() for name in exercise.modules}


def stub_files(exercise: Exercise) -> dict[str, str]:
    return {name: (exercise.exercise_dir / name).read_text() for name in exercise.modules}


def grade_folder(
    exercise: Exercise, folder: Path, limits: ChildLimits | None = None, *,
    reference: bool = False,
) -> list[CheckResult]:
    return grade(exercise, suite_checks(exercise), folder, limits, reference=reference)


def copy_exercise(exercise: Exercise, destination: Path) -> Path:
    target = destination / exercise.folder
    shutil.copytree(exercise.exercise_dir, target)
    return target


def require_sandbox() -> None:
    """Skip, saying why, where bubblewrap cannot sandbox; on Linux CI (CI set), fail instead."""
    found = sandbox.probe()
    if not found.sandboxed:
        if os.environ.get("CI") and sys.platform.startswith("linux"):
            pytest.fail(f"CI must test the sandboxed path, but {found.why}")
        pytest.skip(f"no sandbox on this machine: {found.why}")


@pytest.fixture(params=[sandbox.BUBBLEWRAP, sandbox.GUARD])
def graded_in(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each way in turn: in the bubblewrap sandbox (where it works) and under the guard alone."""
    if request.param == sandbox.BUBBLEWRAP:
        require_sandbox()
    monkeypatch.setenv(sandbox.CHOICE_VARIABLE, request.param)
    return request.param


@pytest.fixture
def exercise_03() -> Exercise:
    exercise = find_exercise("03")
    assert exercise is not None
    return exercise


# The pack's tests never touch the learner state of the checkout they run in.
os.environ.setdefault("AWAITLINGS_STATE_DIR", tempfile.mkdtemp(prefix="awaitlings-state-"))
