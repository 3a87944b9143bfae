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
from conftest import copy_exercise, make_submission, solution_files, stub_files

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


def check_ids(exercise) -> list[str]:
    return [check.id for check in exercise.checks()]


def last_run_failed(state_dir: Path, exercise, failed: list[str]) -> None:
    """The learner state after a grading of `exercise` in which these checks failed (the hints
    seen so far are kept)."""
    path = state_dir / "state.json"
    state = json.loads(path.read_text()) if path.exists() else {}
    state.setdefault("results", {})[exercise.number] = {
        "score": 0, "max_score": 10, "passed": not failed, "fingerprint": "", "failed": failed}
    state_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state))


def test_every_check_has_a_hint_and_every_hint_is_for_a_check():
    for exercise in EXERCISES:
        ids = check_ids(exercise)
        keys = [entry.check for entry in exercise.hints]
        strays = set(keys) - set(ids)
        assert not strays, f"{exercise.label}: exercises.toml has hints for no check: {strays}"
        for check_id in ids:
            hints = exercise.hints_for(check_id)
            assert hints and all(hint.strip() for hint in hints), \
                f"{exercise.label}: check {check_id} has no hint in exercises.toml"


def test_a_hint_is_for_the_first_check_that_failed_in_the_last_run(state_dir, exercise_03):
    ids = check_ids(exercise_03)
    last_run_failed(state_dir, exercise_03, [ids[5], ids[6]])
    shown = graders("hint", "03").stdout
    check = exercise_03.checks()[5]
    assert f"Hint 1 of {len(exercise_03.hints_for(ids[5]))} for 03 byhand, on “{check.name}”" \
        in shown
    assert exercise_03.hints_for(ids[5])[0].split()[0] in shown


def test_each_hint_call_shows_the_next_hint_of_that_check(state_dir, exercise_03):
    stuck_on = "overlaps_sleeps"
    last_run_failed(state_dir, exercise_03, [stuck_on])
    first = graders("hint", "03").stdout
    second = graders("hint", "03").stdout
    assert "Hint 1 of" in first and "Hint 2 of" in second and "Hint 1 of" not in second
    assert "on “run_concurrently overlaps sleeps”" in second


def test_after_the_last_hint_of_a_check_the_last_one_is_shown_again(state_dir, exercise_03):
    last_run_failed(state_dir, exercise_03, ["resumes_earliest_first"])
    count = len(exercise_03.hints_for("resumes_earliest_first"))
    for _ in range(count):
        graders("hint", "03")
    again = graders("hint", "03").stdout
    assert f"Hint {count} of {count}" in again
    assert "That was the last hint for this check" in again


def test_a_newly_failing_check_starts_at_its_own_first_hint(state_dir, exercise_03):
    last_run_failed(state_dir, exercise_03, ["manual_sleep_yields_delay"])
    graders("hint", "03")
    graders("hint", "03")
    last_run_failed(state_dir, exercise_03, ["overlaps_sleeps"])
    assert "Hint 1 of 3 for 03 byhand, on “run_concurrently overlaps sleeps”" \
        in graders("hint", "03").stdout


def test_before_any_check_the_hints_are_for_the_first_check(state_dir, exercise_03):
    shown = graders("hint", "03").stdout
    assert "You have not checked 03 byhand yet" in shown
    assert f"on “{exercise_03.checks()[0].name}”" in shown


def test_an_exercise_that_passed_needs_no_hint(state_dir, exercise_03):
    last_run_failed(state_dir, exercise_03, [])  # with a fingerprint no files have
    shown = graders("hint", "03").stdout
    assert "no hint needed" in shown and "Hint 1" not in shown
    assert "Your files changed since" in shown  # and may no longer pass


def test_hints_follow_a_real_check(state_dir, tmp_path, exercise_03):
    """A solution whose scheduler runs one coroutine after another: its first failure is about
    overlapping, and so is the hint."""
    files = solution_files(exercise_03)
    files[exercise_03.main_module] += (
        "\n\ndef run_concurrently(*coros, clock=time.monotonic, sleep=time.sleep):\n"
        "    return [run_by_hand(coro, sleep) for coro in coros]\n")
    folder = make_submission(tmp_path, exercise_03, files)
    graders("check", "03", "--submission", str(folder.parent))
    shown = graders("hint", "03", "--submission", str(folder.parent)).stdout
    assert "on “run_concurrently overlaps sleeps”" in shown, shown
    assert "changed since" not in shown


def test_a_hint_after_an_edit_says_it_is_for_the_last_check(state_dir, tmp_path, exercise_03):
    folder = make_submission(tmp_path, exercise_03, stub_files(exercise_03))
    graders("check", "03", "--submission", str(folder.parent))
    (folder / exercise_03.main_module).write_text("# started again\n")
    shown = graders("hint", "03", "--submission", str(folder.parent)).stdout
    assert "Your files changed since you last checked 03 byhand" in shown


def test_hint_all_shows_every_hint_seen_so_far_check_by_check(state_dir, exercise_03):
    last_run_failed(state_dir, exercise_03, ["manual_sleep_yields_delay"])
    graders("hint", "03")
    graders("hint", "03")
    last_run_failed(state_dir, exercise_03, ["overlaps_sleeps"])
    graders("hint", "03")
    seen = graders("hint", "03", "--all").stdout
    assert seen.count("on “manual_sleep yields its delay exactly once”") == 2
    assert seen.count("on “run_concurrently overlaps sleeps”") == 1
    assert seen.index("manual_sleep yields") < seen.index("overlaps sleeps")
    assert "Hint 2 of 3" not in seen  # seen again, and nothing new shown
    assert "Hint 2 of 3" not in graders("hint", "03", "--all").stdout


def test_hint_all_before_any_hint_says_how_to_get_one(state_dir):
    assert "You have seen no hint of 03 byhand yet" in graders("hint", "03", "--all").stdout


def test_reset_starts_the_hints_of_that_exercise_afresh(state_dir, checkout, exercise_03):
    last_run_failed(state_dir, exercise_03, ["overlaps_sleeps"])
    graders("hint", "03")
    graders("hint", "03")
    finished = graders("reset", "03", "--submission", str(checkout))
    assert "hints start afresh" in finished.stdout
    assert "no hint of 03 byhand yet" in graders("hint", "03", "--all").stdout
    assert "Hint 1 of" in graders("hint", "03").stdout


def test_a_state_file_of_the_older_form_starts_the_hints_afresh(state_dir, exercise_03):
    state_dir.mkdir(parents=True)
    (state_dir / "state.json").write_text(json.dumps({"hints_shown": {"03": 2}}))
    assert "Hint 1 of" in graders("hint", "03").stdout


def test_hint_state_lives_in_a_folder_git_ignores():
    ignored = (PACK_ROOT / ".gitignore").read_text().split()
    assert "/.awaitlings/" in ignored


def test_a_hint_for_an_unknown_exercise_is_a_usage_error(state_dir):
    assert graders("hint", "99").returncode == 2


def test_an_exercise_is_named_by_its_slug_as_well_as_its_number(state_dir, checkout):
    assert "for 03 byhand" in graders("hint", "byhand").stdout
    assert "Hint 1 of" in graders("hint", "byhand", "--all").stdout
    finished = graders("reset", "byhand", "--submission", str(checkout))
    assert finished.returncode == 0 and "03_byhand/" in finished.stdout
    unknown = graders("hint", "bihand")
    assert unknown.returncode == 2 and "03 byhand" in unknown.stderr  # the names it knows


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


def test_progress_sends_the_learner_to_the_exercise_begun(state_dir, checkout, exercise_03):
    module = checkout / exercise_03.folder / exercise_03.main_module
    module.write_text(module.read_text() + "\n# begun\n")
    shown = graders("progress", "--submission", str(checkout)).stdout
    assert f"Next: exercises/{exercise_03.folder}/README.md" in shown


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
    assert "nothing to put back" in finished.stdout
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


def test_watch_checks_an_untouched_stub_at_once_without_waiting_for_a_save(state_dir, checkout):
    watching = Running("watch", "byhand", "--submission", str(checkout), "--poll", "0.05")
    try:
        watching.wait_for("03 byhand: Coroutines run by hand  —  0/10 points")
        watching.wait_for("save a file to check again")
    finally:
        watching.stop()


def test_watch_goes_on_to_the_next_exercise_and_checks_it_at_once(state_dir, tmp_path):
    solved, untouched = EXERCISES[2], EXERCISES[3]
    folder = make_submission(tmp_path, solved, solution_files(solved))
    copy_exercise(untouched, folder.parent)
    watching = Running("watch", solved.number, "--submission", str(folder.parent),
                       "--poll", "0.05")
    try:
        watching.wait_for(f"All checks of {solved.label} pass")
        watching.wait_for(f"{untouched.label}: {untouched.title}  —  0/")  # with no save
    finally:
        watching.stop()


def test_watch_starts_at_the_exercise_being_worked_on(state_dir, checkout, exercise_03):
    """01 and 02 untouched, 03 begun: watch goes to 03, not to the untouched 01."""
    module = checkout / exercise_03.folder / exercise_03.main_module
    module.write_text(module.read_text() + "\n# begun\n")
    watching = Running("watch", "--submission", str(checkout), "--poll", "0.05")
    try:
        watching.wait_for("points")
        graded = [line for line in watching.seen if "points" in line]
        assert graded[0].startswith("03 byhand:"), watching.seen
    finally:
        watching.stop()


def test_without_a_started_exercise_the_first_unfinished_one_is_current(state_dir, checkout):
    assert "for 01 warmup" in graders("hint", "--submission", str(checkout)).stdout


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
    for target, command in [("hint", "hint $(EXERCISE) $(if $(ALL),--all)"),
                            ("progress", "progress"), ("watch", "watch $(EXERCISE)"),
                            ("reset", "reset $(EXERCISE)")]:
        assert f"\n{target}: " in makefile
        assert f"-m graders {command}" in makefile
    assert "$(if $(VERBOSE),--verbose)" in makefile


def make(*args: str) -> subprocess.CompletedProcess:
    """make in the pack, with this Python and without (re)installing anything (-o: the stamp
    counts as up to date)."""
    return subprocess.run(["make", "--no-print-directory", "-o", ".venv/.core-installed",
                           f"PY={sys.executable}", *args], capture_output=True, text=True,
                          cwd=PACK_ROOT, timeout=60)


@pytest.mark.parametrize("call", [(), ("help",)], ids=["make", "make help"])
def test_plain_make_lists_the_learners_commands(call):
    listed = make(*call)
    assert listed.returncode == 0, listed.stderr
    for command in ("make watch", "make check EXERCISE=03", "make hint EXERCISE=03",
                    "make progress", "make reset EXERCISE=03", "make farm", "VERBOSE=1",
                    "ALL=1", "make test"):
        assert command in listed.stdout


def test_make_hint_with_all_shows_the_hints_seen_again(state_dir):
    make("hint", "EXERCISE=byhand")
    again = make("hint", "EXERCISE=byhand", "ALL=1")
    assert again.stdout.count("Hint 1 of") == 1 and "no hint needed" not in again.stdout
    assert "You have not checked" not in again.stdout  # the replay, not a new hint


@pytest.mark.parametrize("pip_fails", [False, True], ids=["set-up works", "set-up fails"])
def test_the_set_up_shows_pips_output_only_when_it_fails(tmp_path, pip_fails):
    """The set-up's recipe run with a stand-in for the venv's Python that talks like pip."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(f"#!/bin/sh\necho 'WARNING: pip noise'\nexit {int(pip_fails)}\n")
    python.chmod(0o755)
    finished = subprocess.run(
        ["make", "--no-print-directory", f"VENV={venv}", f"{venv}/.core-installed"],
        capture_output=True, text=True, cwd=PACK_ROOT, timeout=60)
    shown = finished.stdout + finished.stderr
    assert ("WARNING: pip noise" in shown) is pip_fails, shown
    assert (finished.returncode != 0) is pip_fails
    if pip_fails:
        assert "setup.log" in shown and not (venv / ".core-installed").exists()
