"""`make new-exercise NN=08 SLUG=relay` writes an exercise that the pack's own rules accept at once.

In a copy of the pack (as tests/test_classroom_new_exercise.py makes one), the scaffold writes
exercise 08; then the stub and the classroom files are current, the solution gets full marks, the
stub fails every check, and the pack's own tests of exercises, variants and hints pass on it. A
second call, or a taken number, is refused and writes nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graders.manifest import PACK_ROOT

NEW = ("08", "relay")


def run(pack: Path, *args: str, expect: int = 0) -> subprocess.CompletedProcess:
    finished = subprocess.run(args, cwd=pack, capture_output=True, text=True, timeout=600)
    assert finished.returncode == expect, finished.stdout + finished.stderr
    return finished


def python(pack: Path, *args: str, expect: int = 0) -> subprocess.CompletedProcess:
    return run(pack, sys.executable, *args, expect=expect)


def tree(pack: Path) -> dict[str, bytes]:
    """Every file of the pack by its path, but Python's caches."""
    return {str(path.relative_to(pack)): path.read_bytes() for path in sorted(pack.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts}


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pack = tmp_path_factory.mktemp("pack")
    ignore = shutil.ignore_patterns("__pycache__", ".venv", "build", "*.egg-info", ".git")
    for name in ("graders", "exercises", "solutions", "classroom", "tests"):
        shutil.copytree(PACK_ROOT / name, pack / name, ignore=ignore)
    for name in ("exercises.toml", "pyproject.toml", "Makefile", "DEVELOPING.md"):
        shutil.copy(PACK_ROOT / name, pack / name)
    # make with this Python, and without (re)installing anything: the stamp counts as up to date.
    run(pack, "make", "--no-print-directory", "-o", ".venv/.core-installed",
        f"PY={sys.executable}", "new-exercise", f"NN={NEW[0]}", f"SLUG={NEW[1]}")
    return pack


def test_it_writes_every_file_an_exercise_needs(pack: Path):
    folder = "_".join(NEW)
    for path in (f"solutions/{folder}/relay.py", f"exercises/{folder}/relay.py",
                 f"exercises/{folder}/README.md", f"exercises/{folder}/test_relay.py",
                 "graders/suites/relay.py", f"tests/variants/{folder}/variants.toml",
                 f"classroom/nbgrader/source/{folder}/{folder}.ipynb"):
        assert (pack / path).is_file(), path
    assert "### BEGIN SOLUTION" in (pack / f"solutions/{folder}/relay.py").read_text()
    assert f'number = "{NEW[0]}"' in (pack / "exercises.toml").read_text()


def test_its_stub_and_classroom_files_are_current(pack: Path):
    python(pack, "-m", "graders", "generate", "--check")
    python(pack, "-m", "graders.teachers.classroom", "--check")


def test_its_solution_passes_and_its_stub_fails(pack: Path):
    python(pack, "-m", "graders", "check", NEW[0], "--submission", "solutions", "--reference")
    python(pack, "-m", "graders", "check", NEW[0], expect=1)


def test_the_packs_own_tests_accept_it(pack: Path):
    folder = "_".join(NEW)
    finished = python(pack, "-m", "pytest", "-v", "-p", "no:cacheprovider",
                      "tests/test_pack.py", "tests/test_variants.py", "tests/test_learner.py",
                      "tests/test_layout.py", "-k", f"{folder} or well_formed or entry or "
                      "every_check_has_a_hint or no_stray or map")
    for test in ("test_solution_gets_full_marks", "test_stub_fails_every_check",
                 "test_visible_tests_fail_on_the_stub", "test_visible_tests_pass_on_the_solution",
                 "test_variant_gets_its_verdict"):
        assert f"{test}[{folder}" in finished.stdout, f"{test} did not run on {folder}"
    assert "FAILED" not in finished.stdout


def test_a_taken_number_or_slug_is_refused_and_nothing_is_written(pack: Path):
    before = tree(pack)
    refused = python(pack, "-m", "graders.scaffold", *NEW, expect=2)
    assert "already" in refused.stderr and "nothing was written" in refused.stderr
    python(pack, "-m", "graders.scaffold", "09", "byhand", expect=2)
    python(pack, "-m", "graders.scaffold", "9", "nine", expect=2)
    assert tree(pack) == before
