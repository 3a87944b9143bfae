"""The learner's commands: hints in stages, progress, reset, watch, and colour only where wanted.

Each test keeps the learner's state in its own temporary folder (AWAITLINGS_STATE_DIR) and works
on a copy of the exercises, never on the checkout's own files.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import copy_exercise, make_submission, solution_files

from graders.manifest import PACK_ROOT, load_exercises
from graders.stubs import make_stub

EXERCISES = load_exercises()


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("AWAITLINGS_STATE_DIR", str(folder))
    for variable in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(variable, raising=False)
    return folder


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of every exercise folder, as a fresh clone has them."""
    folder = tmp_path / "exercises"
    folder.mkdir()
    for exercise in EXERCISES:
        copy_exercise(exercise, folder)
    return folder


def graders(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "graders", *args], capture_output=True, text=True,
        cwd=PACK_ROOT, timeout=120, env={**os.environ, **(env or {})},
    )


# Hints


def test_each_hint_call_shows_the_next_hint(state_dir, exercise_03):
    first = graders("hint", "03")
    second = graders("hint", "03")
    assert "Hint 1 of" in first.stdout and exercise_03.hints[0].split()[0] in first.stdout
    assert "Hint 2 of" in second.stdout and "Hint 1 of" not in second.stdout


def test_after_the_last_hint_the_last_one_is_shown_again(state_dir, exercise_03):
    count = len(exercise_03.hints)
    for _ in range(count):
        graders("hint", "03")
    again = graders("hint", "03")
    assert f"Hint {count} of {count}" in again.stdout
    assert "That was the last hint" in again.stdout


def test_hint_all_shows_every_hint_seen_so_far(state_dir):
    graders("hint", "03")
    graders("hint", "03")
    seen = graders("hint", "03", "--all")
    assert "Hint 1 of" in seen.stdout and "Hint 2 of" in seen.stdout
    assert "Hint 3 of" not in seen.stdout


def test_hint_state_lives_in_a_folder_git_ignores():
    ignored = (PACK_ROOT / ".gitignore").read_text().split()
    assert "/.awaitlings/" in ignored


def test_a_hint_for_an_unknown_exercise_is_a_usage_error(state_dir):
    assert graders("hint", "99").returncode == 2


def test_every_exercise_has_hints():
    for exercise in EXERCISES:
        assert exercise.hints, f"{exercise.label} has no hints in exercises.toml"


# Progress


def test_progress_lists_every_exercise_of_the_manifest(state_dir, checkout):
    shown = graders("progress", "--submission", str(checkout)).stdout
    for exercise in EXERCISES:
        assert exercise.label in shown and exercise.title in shown
    assert "not started" in shown
    assert f"0 of {len(EXERCISES)} exercises done" in shown


def test_progress_grades_a_changed_exercise_and_shows_its_score(state_dir, checkout, exercise_03):
    for name, text in solution_files(exercise_03).items():
        (checkout / exercise_03.folder / name).write_text(text)
    shown = graders("progress", "--submission", str(checkout)).stdout
    line = next(line for line in shown.splitlines() if exercise_03.label in line)
    assert "10/10" in line and "done" in line
    assert "█" in shown  # the bar has filled a little
    state = json.loads((state_dir / "state.json").read_text())
    assert state["results"]["03"]["passed"] is True


def test_check_remembers_its_result_for_progress(state_dir, tmp_path, exercise_03):
    folder = make_submission(tmp_path, exercise_03, solution_files(exercise_03))
    graders("check", "03", "--submission", str(folder.parent))
    state = json.loads((state_dir / "state.json").read_text())
    assert state["results"]["03"]["score"] == 10


# Reset


def test_reset_puts_back_the_stub_and_keeps_a_copy_of_the_work(state_dir, checkout, exercise_03):
    module = checkout / exercise_03.folder / exercise_03.main_module
    module.write_text("# my work in progress\n")
    finished = graders("reset", "03", "--submission", str(checkout))
    assert finished.returncode == 0, finished.stderr
    solution = (exercise_03.solution_dir / exercise_03.main_module).read_text()
    assert module.read_text() == make_stub(solution)
    kept = list((state_dir / "backups").rglob(exercise_03.main_module))
    assert [path.read_text() for path in kept] == ["# my work in progress\n"]
    assert str(kept[0]) in finished.stdout


def test_reset_of_an_untouched_stub_keeps_no_copy(state_dir, checkout):
    finished = graders("reset", "03", "--submission", str(checkout))
    assert "nothing to reset" in finished.stdout
    assert not (state_dir / "backups").exists()


def test_reset_without_an_exercise_is_a_usage_error(state_dir, checkout):
    finished = graders("reset", "--submission", str(checkout))
    assert finished.returncode == 2 and "EXERCISE=" in finished.stderr


# Watch


class Running:
    """A command running in the background, its output read line by line."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "graders", *args], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, cwd=PACK_ROOT,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not any(text in line for line in self.seen):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"never printed {text!r}:\n{''.join(self.seen)}")
            try:
                self.seen.append(self.lines.get(timeout=left))
            except queue.Empty:
                continue

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def test_watch_checks_again_on_save_and_ends_when_the_exercise_passes(state_dir, tmp_path,
                                                                     exercise_03):
    folder = make_submission(tmp_path, exercise_03, {})
    module = folder / exercise_03.main_module
    module.write_text("def unfinished(:\n")
    watching = Running("watch", "--submission", str(folder.parent), "--poll", "0.05")
    try:
        watching.wait_for("syntax error")
        watching.wait_for("save a file to check again")
        for name, text in solution_files(exercise_03).items():
            (folder / name).write_text(text)
        watching.wait_for("All checks of 03 byhand pass")
        watching.wait_for("Every exercise passes")
        assert watching.process.wait(timeout=30) == 0
    finally:
        watching.stop()


def test_watch_waits_for_a_first_save_before_checking_an_untouched_stub(state_dir, checkout):
    watching = Running("watch", "03", "--submission", str(checkout), "--poll", "0.05")
    try:
        watching.wait_for("save a file to check again")
        assert not any("points" in line for line in watching.seen)
    finally:
        watching.stop()


# Colour


def test_output_to_a_pipe_is_plain_text(state_dir):
    assert "\x1b[" not in graders("check", "03").stdout


def test_force_color_colours_the_output(state_dir):
    assert "\x1b[" in graders("check", "03", env={"FORCE_COLOR": "1"}).stdout


def test_no_color_wins_over_force_color(state_dir):
    finished = graders("check", "03", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in finished.stdout


def test_color_always_colours_even_a_pipe(state_dir):
    assert "\x1b[" in graders("hint", "03", "--color", "always").stdout


def test_coloured_and_plain_output_say_the_same(state_dir):
    plain = graders("check", "03").stdout
    coloured = graders("check", "03", "--color", "always").stdout
    assert strip_ansi(coloured) == plain


def test_the_results_file_carries_the_terminal_messages_as_plain_text(state_dir, tmp_path):
    results_path = tmp_path / "results.json"
    shown = graders("check", "03", "--json", str(results_path), "--color", "always").stdout
    results = json.loads(results_path.read_text())
    for test in results["tests"]:
        assert "\x1b" not in test["output"]
        first_line = test["output"].splitlines()[0]
        assert first_line in strip_ansi(shown)


def strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_the_make_targets_call_the_commands():
    makefile = (PACK_ROOT / "Makefile").read_text()
    for target, command in [("hint", "hint $(EXERCISE)"), ("progress", "progress"),
                            ("watch", "watch $(EXERCISE)"), ("reset", "reset $(EXERCISE)")]:
        assert f"\n{target}: " in makefile
        assert f"-m graders {command}" in makefile
