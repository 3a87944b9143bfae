"""The contract: grading one exercise never takes longer than one minute of wall time, whatever the
submission does. Proved once at the real limits (ChildLimits' defaults, not the shortened ones of
the other tests) with the worst case: every check hangs, so every check runs to its wall-clock
limit until the exercise's budget is spent. Each hang fails its own check, and every check hangs
here, so none scores.

The grading starts in the background when this module is collected and mostly sleeps, so the
minute it takes passes while the other tests run; the test only collects its answer.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import posix_only

from graders.engine.parent import CHECK_SECONDS, EXERCISE_SECONDS
from graders.engine.processes import posix_processes
from graders.manifest import PACK_ROOT, find_exercise

CONTRACT_SECONDS = 60.0
EXERCISE = find_exercise("04")  # the most checks: their limits add up past the exercise's budget
assert EXERCISE is not None
# Every name the checks ask the module for hangs, without using a core, for longer than a check
# may last: a program left behind by an interrupted test run still ends by itself.
HANGING_MODULE = """\
import select


def __getattr__(name):
    select.select([], [], [], 75)
"""
TIMED_GRADING = """\
import subprocess, sys, time
started = time.monotonic()
finished = subprocess.run([sys.executable, "-m", "graders", *sys.argv[1:]])
print(time.monotonic() - started)
"""

_workdir = Path(tempfile.mkdtemp(prefix="awaitlings-wall-time-"))
_folder = _workdir / "submission" / EXERCISE.folder
_folder.mkdir(parents=True)
(_folder / EXERCISE.main_module).write_text(HANGING_MODULE)
_results = _workdir / "results.json"
_grading = subprocess.Popen(
    [sys.executable, "-c", TIMED_GRADING, "check", EXERCISE.number,
     "--submission", str(_folder.parent), "--json", str(_results)],
    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=PACK_ROOT,
) if posix_processes() else None


@posix_only  # select.select on no sockets hangs on POSIX, raises on Windows
@pytest.mark.real_limits
def test_an_exercise_whose_every_check_hangs_is_graded_within_a_minute():
    assert len(EXERCISE.checks()) * CHECK_SECONDS > EXERCISE_SECONDS  # the budget is what stops
    output, _ = _grading.communicate(timeout=2 * CONTRACT_SECONDS)
    seconds = float(output.split()[-1])
    print(f"graded in {seconds:.1f} s of wall time")
    assert seconds < CONTRACT_SECONDS
    assert seconds > EXERCISE_SECONDS - 1  # the checks really ran to their limits
    tests = json.loads(_results.read_text())["tests"]
    assert len(tests) == len(EXERCISE.checks()) and not any(t["score"] for t in tests)
    stopped = [t for t in tests if "so it was stopped" in t["output"]]
    unrun = [t for t in tests if "used up its" in t["output"]]
    # Each new child's start eats into the budget: on a loaded machine one check fewer may start.
    assert len(stopped) >= EXERCISE_SECONDS // CHECK_SECONDS - 1, [t["output"][:80] for t in tests]
    assert len(stopped) + len(unrun) == len(tests), [t["output"][:80] for t in tests]
    shutil.rmtree(_workdir)
