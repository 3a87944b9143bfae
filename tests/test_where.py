"""A check stopped for hanging says where the student's code was: the file, the line, and the
calls that led there, from the stack the child dumps when the parent asks."""

from __future__ import annotations

from pathlib import Path

from conftest import grade_folder, make_submission, solution_files

from graders.engine.parent import ChildLimits
from graders.engine.where import stopped_at
from graders.kit.failure import STOPPED_HERE, Frame

QUICK = ChildLimits(import_seconds=2, check_seconds=2, exercise_seconds=20)
DUMP = b"""\
Thread 0x00007f0000000001 (most recent call first):
  File "/usr/lib/python3.11/threading.py", line 320 in wait
  File "/sub/03_byhand/byhand.py", line 40 in worker

Current thread 0x00007f0000000002 (most recent call first):
  File "/sub/03_byhand/byhand.py", line 3 in helper
  File "/sub/03_byhand/byhand.py", line 6 in run_by_hand
  File "/pack/graders/suites/byhand.py", line 2 in <lambda>
  File "/pack/graders/kit/context.py", line 50 in call
  File "/pack/graders/suites/byhand.py", line 1 in run_by_hand_returns_result
  File "/pack/graders/engine/child.py", line 120 in run_check
"""


def test_the_checks_thread_gives_the_checks_call_and_the_students_frames(tmp_path):
    student = tmp_path / "03_byhand" / "byhand.py"
    student.parent.mkdir()
    student.write_text("def helper():\n    x = 1\n    while True: pass\n\n\n    helper()\n")
    suite = tmp_path / "suites" / "byhand.py"  # same file name as the student's, another folder
    suite.parent.mkdir()
    suite.write_text("def run_by_hand_returns_result(ctx):\n    ctx.call('x', lambda: f())\n")
    assert stopped_at(DUMP, [student], suite) == (
        Frame("graders/suites/byhand.py", 2, "the check's call", "ctx.call('x', lambda: f())"),
        Frame("byhand.py", 6, "run_by_hand", "helper()"),
        Frame("byhand.py", 3, "helper", "while True: pass"),
    )


def test_a_dump_without_the_students_code_or_a_junk_one_says_nothing(tmp_path):
    student = tmp_path / "03_byhand" / "byhand.py"
    assert stopped_at(DUMP.replace(b"03_byhand", b"other"), [student], None) == ()
    assert stopped_at(b"\xff junk\n  File \"x\", line y in z\n" * 1000, [student], None) == ()


def grade_with(tmp_path: Path, exercise, text: str):
    files = solution_files(exercise)
    files[exercise.main_module] += "\n\n" + text
    return {r.id: r for r in grade_folder(exercise, make_submission(tmp_path, exercise, files),
                                          QUICK)}


def test_a_loop_without_end_is_named_with_the_calls_that_led_there(
    tmp_path, exercise_03, graded_in
):
    loop = ("def going_round():\n    while True:\n        pass\n\n\n"
            "def run_by_hand(coro, sleep=None):\n    going_round()\n")
    hung = grade_with(tmp_path, exercise_03, loop)["run_by_hand_returns_result"]
    assert hung.failure.stopped == "hang", hung.message
    calls = [(frame.function, frame.code) for frame in hung.failure.where[-2:]]
    # The loop's line is the `while` or the `pass`, by where its bytecode was stopped.
    assert calls[0] == ("run_by_hand", "going_round()"), hung.message
    assert calls[1] in [("going_round", "while True:"), ("going_round", "pass")], hung.message
    assert hung.failure.where[0].function == "the check's call"
    assert STOPPED_HERE in hung.message and "byhand.py:" in hung.message


def test_a_hang_inside_a_c_call_is_named_too(tmp_path, exercise_03, graded_in):
    waits = ("import threading\n\n\n"
             "def run_by_hand(coro, sleep=None):\n    threading.Event().wait()\n")
    hung = grade_with(tmp_path, exercise_03, waits)["run_by_hand_returns_result"]
    assert hung.failure.where[-1].code == "threading.Event().wait()"


def test_an_import_that_hangs_says_where(tmp_path, exercise_03, graded_in):
    at_import = "import select\nselect.select([], [], [], 60)\n"
    results = grade_with(tmp_path, exercise_03, at_import)
    first = next(iter(results.values()))
    assert first.failure.where[-1].code == "select.select([], [], [], 60)"
    assert first.failure.where[-1].function == "<module>"
