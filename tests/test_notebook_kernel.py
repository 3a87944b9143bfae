"""What the course's notebooks call in the kernel (graders.teachers.notebook), without a kernel:
the kernel's loop refuses a student's stop(), a timing picture becomes HTML, the farm and the
module run as programs. The whole notebook in a real kernel is tests/test_nbgrader_course.py's."""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path

import pytest

from graders.kit.timeline import Timeline, gantt_side_by_side
from graders.manifest import find_exercise
from graders.teachers import notebook


def test_a_students_stop_of_the_kernels_loop_is_refused_and_said(capsys):
    loop = asyncio.new_event_loop()
    try:
        notebook.protect_kernel_loop(loop)

        async def stop_in_a_cell() -> str:
            asyncio.get_running_loop().stop()
            await asyncio.sleep(0)
            return "went on"

        assert loop.run_until_complete(stop_in_a_cell()) == "went on"
        assert loop.run_until_complete(asyncio.sleep(0, "still running")) == "still running"
    finally:
        loop.close()
    assert "notebook's own event loop" in capsys.readouterr().out


def test_the_kernel_still_stops_its_loop_through_tornado():
    tornado_asyncio = pytest.importorskip("tornado.platform.asyncio")
    loop = asyncio.new_event_loop()
    try:
        safety_net = loop.stop
        notebook.protect_kernel_loop(loop)
        io_loop = tornado_asyncio.AsyncIOLoop(asyncio_loop=loop)
        started = loop.time()
        loop.call_later(30, safety_net)  # a broken guard fails the test instead of hanging it
        io_loop.add_callback(io_loop.stop)
        loop.run_forever()
        assert loop.time() - started < 30
    finally:
        loop.close()


def test_protecting_twice_keeps_one_guard():
    loop = asyncio.new_event_loop()
    try:
        notebook.protect_kernel_loop(loop)
        guard = loop.stop
        notebook.protect_kernel_loop(loop)
        assert loop.stop is guard
    finally:
        loop.close()


def sample_picture() -> str:
    yours, expected = Timeline("Yours"), Timeline("At once")
    yours.add_run("square(1)", 0)
    yours.add_wait("square(1)", 0, 3)
    yours.add_late("square(2)", 0, 3)
    yours.add_wait("square(2)", 3, 6)
    expected.add_wait("square(1)", 0, 3)
    expected.add_wait("square(2)", 0, 3)
    return gantt_side_by_side(yours, expected)


def test_a_timing_picture_becomes_coloured_cells_of_the_same_text():
    picture = sample_picture()
    markup = notebook.timeline_html(picture)
    assert markup.startswith("<pre") and markup.endswith("</pre>")
    for state in ("run", "wait", "late"):
        assert f'class="{state}"' in markup
    assert html.unescape(re.sub(r"<[^>]+>", "", markup)) == picture.rstrip("\n")


def test_notebook_words_name_the_notebooks_commands():
    said = notebook.notebook_words("Stuck? `make hint EXERCISE=03` shows a hint; "
                                   "`make check EXERCISE=03` after every change.")
    assert said == "Stuck? `%hint` shows a hint; `%check` after every change."


def test_hints_follow_the_notebooks_last_grading_kept_beside_it(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AWAITLINGS_STATE_DIR", raising=False)
    exercise = find_exercise("03")
    assert exercise is not None
    before = notebook.hint_text(exercise)
    assert "You have not checked" in before and "`%check`" in before
    for module in exercise.modules:
        (tmp_path / module).write_text((exercise.exercise_dir / module).read_text())
    report = notebook.report_text(exercise)  # %check: the stub fails, and that is remembered
    assert "✗" in report and "make " not in report
    after = notebook.hint_text(exercise)
    assert "You have not checked" not in after and "Hint" in after and "make " not in after
    assert (tmp_path / ".awaitlings" / "state.json").is_file()
    assert "Hint" in notebook.hint_text(exercise, show_all=True)


def test_run_main_runs_the_saved_module_as_a_program(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    exercise = find_exercise("03")
    assert exercise is not None
    (tmp_path / exercise.main_module).write_text(
        'if __name__ == "__main__":\n    print("ran as a program")\n')
    assert notebook.run_main(exercise) == 0
    assert "ran as a program" in capsys.readouterr().out


def test_run_main_before_the_module_is_saved_says_so(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    exercise = find_exercise("03")
    assert exercise is not None
    assert notebook.run_main(exercise) == 2
    assert "%%module" in capsys.readouterr().out


def test_the_farm_opens_from_a_cell_and_closes_again():
    opened = notebook.farm("--port 0 --delay 0")
    try:
        assert "The farm is open on http://127.0.0.1:" in opened and "%farm stop" in opened
        assert "already open" in notebook.farm("")
    finally:
        closed = notebook.farm("stop")
    assert closed == "The farm is closed."
    assert notebook.farm("stop") == "No farm is open."
