"""Inside a Jupyter kernel: what the notebooks of the nbgrader course (graders.teachers.nbcourse)
call.

`%load_ext graders.teachers.notebook` adds the cell magic `%%module byhand.py`. A cell that starts
with it is saved as byhand.py beside the notebook (that file is what gets graded) and then run as
the module `byhand`, whose names are copied into the notebook so that later cells can try them.

A test cell calls `check("03", "overlaps_sleeps")`, naming the check by its id (`Check.id`), so
that rewording a check's sentence leaves the notebooks' cells as they are. The grader runs as it
always does, `python -m graders check` in a child process, so virtual time, the blocking checks
and the wall-clock limits all apply, and the kernel's own running event loop is never involved.
The saved modules are graded once per version of their text; every test cell then reads its own
check.

Nothing here writes to stderr: nbgrader scores 0 any test cell that wrote to stderr, even when the
check passed, so the grader's output is captured, and "never awaited" warnings left over from the
student's experiments are collected quietly before grading.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import types
import warnings
from pathlib import Path
from typing import Any

from graders.manifest import Exercise, find_exercise

GRADER_SECONDS = 120.0
"""Wall time allowed to the grader (it stops itself within one minute per exercise)."""

_results_by_version: dict[str, dict[str, Any]] = {}


class CheckNotPassed(AssertionError):
    """A check failed; IPython shows just the grader's message instead of a traceback."""

    def _render_traceback_(self) -> list[str]:
        return str(self).splitlines()


def check(number: str, check_id: str) -> None:
    """Pass quietly (printing a line) when the grader's check `check_id` passed, else raise."""
    exercise = find_exercise(number)
    if exercise is None:
        raise CheckNotPassed(f"The pack has no exercise {number}.")
    names = {check.id: check.name for check in exercise.checks()}
    name = names.get(check_id)
    if name is None:
        raise CheckNotPassed(f"The grader has no check {check_id!r} for {exercise.label}; its "
                             f"checks are {', '.join(names)}: is this notebook older than the "
                             "pack?")
    results = _grade_saved_modules(exercise, Path.cwd())
    wanted = f"{exercise.label}: {name}"
    test = next((t for t in results.get("tests", ()) if t["name"] == wanted), None)
    if test is None:
        raise CheckNotPassed(
            f"The grader gave no result for {name!r} of {exercise.label}; "
            f"it answered:\n{results.get('output', '')}"
        )
    points = f"{test['score']:g}/{test['max_score']:g} points"
    if test["status"] == "passed":
        print(f"✓ {name} ({points})")
        return
    raise CheckNotPassed(f"✗ {name} ({points})\n{test['output']}")


def _grade_saved_modules(exercise: Exercise, folder: Path) -> dict[str, Any]:
    files = {
        name: (folder / name).read_bytes()
        for name in exercise.modules
        if (folder / name).is_file()
    }
    version = hashlib.sha256(
        repr((exercise.number, sorted(files.items()))).encode()
    ).hexdigest()
    if version not in _results_by_version:
        _collect_leftovers_quietly()
        _results_by_version[version] = _run_grader(exercise, files)
    return _results_by_version[version]


def _collect_leftovers_quietly() -> None:
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        gc.collect()


def _run_grader(exercise: Exercise, files: dict[str, bytes]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="awaitlings-nb-") as workdir:
        submission = Path(workdir) / "submission"
        (submission / exercise.folder).mkdir(parents=True)
        for name, data in files.items():
            (submission / exercise.folder / name).write_bytes(data)
        results_path = Path(workdir) / "results.json"
        command = [
            sys.executable, "-m", "graders", "check", exercise.number,
            "--submission", str(submission), "--json", str(results_path),
        ]
        try:
            finished = subprocess.run(
                command, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                timeout=GRADER_SECONDS, cwd=workdir,
            )
        except subprocess.TimeoutExpired:
            return {"output": f"The grader did not finish within {GRADER_SECONDS:.0f} s.",
                    "tests": []}
        if not results_path.is_file():
            return {"output": f"The grader could not run:\n{finished.stdout}{finished.stderr}",
                    "tests": []}
        return json.loads(results_path.read_text(encoding="utf-8"))


def save_and_run_module(name: str, source: str, namespace: dict[str, Any]) -> None:
    """Save `source` as the file `name` in the current folder, then run it as that module."""
    path = Path(name)
    path.write_text(source, encoding="utf-8")
    module = types.ModuleType(path.stem)
    module.__file__ = str(path.resolve())
    sys.modules[path.stem] = module
    exec(compile(source, str(path), "exec"), module.__dict__)  # the student's own module
    namespace.update(
        (key, value) for key, value in vars(module).items() if not key.startswith("__")
    )


def load_ipython_extension(ipython: Any) -> None:
    def module_magic(line: str, cell: str) -> None:
        name = line.strip()
        if not name.endswith(".py"):
            raise ValueError("usage: %%module name.py")
        save_and_run_module(name, cell, ipython.user_ns)

    ipython.register_magic_function(module_magic, magic_kind="cell", magic_name="module")
