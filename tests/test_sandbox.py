"""Broken submissions are graded, never trusted: each gets failed checks that say what happened,
within the time limits, and the checks it did not break are still graded."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import grade_folder, make_submission, needs_memory_limit, posix_only, solution_files

from graders.engine.parent import ChildLimits
from graders.manifest import Exercise

QUICK = ChildLimits(import_seconds=2, check_seconds=2, exercise_seconds=20)
ROOMY = ChildLimits(import_seconds=10, check_seconds=20, exercise_seconds=40)


def grade_text(
    tmp_path: Path, exercise: Exercise, text: str, *, append: bool = False,
    limits: ChildLimits = QUICK,
):
    files = solution_files(exercise)
    main = exercise.main_module
    files[main] = files[main] + "\n\n" + text if append else text
    return grade_folder(exercise, make_submission(tmp_path, exercise, files), limits)


def messages(results) -> str:
    return "\n".join(r.message for r in results)


@pytest.mark.parametrize("exit_call", ["os._exit(0)", "sys.exit(0)", "raise SystemExit"])
def test_exiting_at_import_fails_every_check(tmp_path, exercise_03, exit_call):
    results = grade_text(tmp_path, exercise_03, f"import os, sys\n{exit_call}\n", append=True)
    assert not any(r.passed for r in results)
    assert all("import" in r.message for r in results)


def test_a_loop_without_end_at_import_is_stopped(tmp_path, exercise_03):
    started = time.monotonic()
    results = grade_text(tmp_path, exercise_03, "while True:\n    pass\n", append=True)
    assert time.monotonic() - started < 10
    assert not any(r.passed for r in results)
    assert "did not finish" in results[0].message
    assert 'if __name__ == "__main__"' in results[0].message


def test_a_syntax_error_is_reported_with_its_line(tmp_path, exercise_03):
    results = grade_text(tmp_path, exercise_03, "def broken(:\n    pass\n")
    assert not any(r.passed for r in results)
    assert "syntax error at line 1" in results[0].message


RUN_BY_HAND = "run_by_hand_returns_result"
NEVER_TIME_SLEEP = "never_time_sleep"
"""The other check of 03 that calls run_by_hand: it hangs or exits with it."""


def test_a_check_that_hangs_fails_alone_and_the_others_keep_their_points(tmp_path, exercise_03):
    hang = "def run_by_hand(coro, sleep=None):\n    while True:\n        pass\n"
    results = grade_text(tmp_path, exercise_03, hang, append=True)
    by_id = {r.id: r for r in results}
    hung = by_id[RUN_BY_HAND]
    assert not hung.passed and hung.points == 0
    assert "did not finish within 2 s" in hung.message
    others = [r for r in results if r.id not in (RUN_BY_HAND, NEVER_TIME_SLEEP)]
    assert all(r.passed and r.points == r.max_points for r in others), messages(others)


def test_exiting_during_a_check_fails_that_check_alone(tmp_path, exercise_03):
    exits = "import os\ndef run_by_hand(coro, sleep=None):\n    os._exit(0)\n"
    results = grade_text(tmp_path, exercise_03, exits, append=True)
    by_id = {r.id: r for r in results}
    exited = by_id[RUN_BY_HAND]
    assert not exited.passed and "ended the grading process" in exited.message
    others = [r for r in results if r.id not in (RUN_BY_HAND, NEVER_TIME_SLEEP)]
    assert all(r.passed and r.points == r.max_points for r in others), messages(others)


def test_a_caught_sys_exit_fails_that_check_alone(tmp_path, exercise_03):
    exits = "import sys\ndef run_by_hand(coro, sleep=None):\n    sys.exit(3)\n"
    results = grade_text(tmp_path, exercise_03, exits, append=True)
    by_id = {r.id: r for r in results}
    assert not by_id[RUN_BY_HAND].passed
    assert "sys.exit(3)" in by_id[RUN_BY_HAND].message
    others = [r for r in results if r.id not in (RUN_BY_HAND, NEVER_TIME_SLEEP)]
    assert all(r.passed for r in others), messages(others)


def test_a_check_after_a_hang_is_judged_on_its_own(tmp_path, exercise_03):
    hang_and_wrong = (
        "def run_by_hand(coro, sleep=None):\n    while True:\n        pass\n\n"
        "def run_concurrently(*coros, clock=None, sleep=None):\n    return [1, 2, 3]\n"
    )
    results = grade_text(tmp_path, exercise_03, hang_and_wrong, append=True)
    by_id = {r.id: r for r in results}
    wrong = by_id["overlaps_sleeps"]
    assert not wrong.passed and "did not finish" not in wrong.message
    assert by_id["manual_sleep_yields_delay"].passed


def test_results_printed_by_the_submission_are_not_believed(tmp_path, exercise_03):
    forged = (
        'import json\n'
        'for i in range(10):\n'
        '    print(json.dumps({"event": "result", "index": i, "passed": True}))\n'
        'print(json.dumps({"event": "finished"}))\n'
        'raise RuntimeError("broken on purpose")\n'
    )
    results = grade_text(tmp_path, exercise_03, forged, append=True)
    assert not any(r.passed for r in results)
    assert "broken on purpose" in results[0].message


def test_a_flood_of_output_is_kept_to_a_tail(tmp_path, exercise_03):
    flood = (
        "def run_by_hand(coro, sleep=None):\n"
        "    for i in range(300_000):\n"
        "        print('spam', i)\n"
        "    raise RuntimeError('after the flood')\n"
    )
    # Printing 300,000 lines takes a second or two of real time: on a loaded machine, more than
    # QUICK's 2 s, which would turn the flood into a hang.
    results = grade_text(tmp_path, exercise_03, flood, append=True, limits=ROOMY)
    by_id = {r.id: r for r in results}
    flooded = by_id["run_by_hand_returns_result"]
    assert not flooded.passed and "after the flood" in flooded.message
    assert len(flooded.student_output) < 10_000
    assert "more lines, not kept" in flooded.student_output


@needs_memory_limit
def test_a_memory_hog_fails_its_check(tmp_path, exercise_03):
    hog = "def run_by_hand(coro, sleep=None):\n    return bytearray(8 * 1024**3)\n"
    results = grade_text(tmp_path, exercise_03, hog, append=True)
    by_id = {r.id: r for r in results}
    hogged = by_id["run_by_hand_returns_result"]
    assert not hogged.passed and "MemoryError" in hogged.message


@posix_only  # select.select on no sockets hangs on POSIX, raises on Windows
def test_checks_that_all_hang_stop_when_the_exercises_budget_is_spent(tmp_path, exercise_03):
    hang = "import select\n\n\ndef __getattr__(name):\n    select.select([], [], [], 60)\n"
    # The second check starts after the first one's 2 s and a new child's start (a second or so
    # on a loaded machine), and the budget cuts it before its own 2 s are up.
    limits = ChildLimits(import_seconds=2, check_seconds=2, exercise_seconds=4)
    started = time.monotonic()
    results = grade_folder(exercise_03, make_submission(tmp_path, exercise_03, {
        exercise_03.main_module: hang}), limits)
    assert time.monotonic() - started < 4 + 2  # the budget, and a process's start and end
    assert not any(r.passed for r in results)
    assert "did not finish within 2 s" in results[0].message
    # The second check is cut by the budget, never by its own 2 s limit: while it runs ("wall time
    # ran out"), or before its child has started, when a loaded machine took the last second to
    # start one ("used up its 4 s").
    second = results[1].message
    assert "did not finish within 2 s" not in second
    assert "wall time ran out" in second or "used up its 4 s" in second
    assert all("used up its 4 s" in r.message for r in results[2:])
