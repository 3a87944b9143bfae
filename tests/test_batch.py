"""Batch grading (`make grade-all`): a class graded in parallel, a CSV gradebook and a results file
per student, whatever shape or state each submission is in."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import require_sandbox

from graders.manifest import PACK_ROOT, load_exercises
from graders.teachers import batch
from graders.teachers.layout import lay_out

EXERCISES = load_exercises()
FIRST = EXERCISES[0]


def write(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)


def solutions(exercise) -> dict[str, str]:
    return {m: (exercise.solution_dir / m).read_text() for m in exercise.modules}


def stubs(exercise) -> dict[str, str]:
    return {m: (exercise.exercise_dir / m).read_text() for m in exercise.modules}


def make_class(root: Path) -> Path:
    submissions = root / "submissions"
    write(submissions / "ada" / FIRST.folder, solutions(FIRST))            # exercise folders
    write(submissions / "grace", solutions(FIRST))                          # flat files
    write(submissions / "linus" / "exercises" / FIRST.folder, stubs(FIRST))  # a clone, untouched
    broken = {m: "def oops(:\n" for m in FIRST.modules}
    write(submissions / "mallory" / FIRST.folder, broken)                   # does not import
    (submissions / "nobody").mkdir()                                        # handed in nothing
    (submissions / "README.txt").write_text("not a student")
    return submissions


def run_batch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graders.teachers.batch", *args], cwd=PACK_ROOT,
                          capture_output=True, text=True, timeout=600)


def test_a_class_is_graded_into_a_gradebook_and_a_results_file_each(tmp_path: Path):
    submissions, out = make_class(tmp_path), tmp_path / "grades"
    finished = run_batch(str(submissions), "--out", str(out), "--workers", "2")
    assert finished.returncode == 0, finished.stdout + finished.stderr
    rows = list(csv.DictReader((out / "grades.csv").open()))
    assert set(rows[0]) == {"student", "exercise", "score", "max_score"}
    score = {row["student"]: float(row["score"]) for row in rows}
    most = float(rows[0]["max_score"])
    assert {row["exercise"] for row in rows} == {FIRST.folder}  # only what was handed in
    assert score == {"ada": most, "grace": most, "linus": 0, "mallory": 0, "nobody": 0}
    mallory = json.loads((out / "results" / "mallory.json").read_text())
    assert mallory["score"] == 0
    assert all("syntax error" in test["output"] for test in mallory["tests"])
    nobody = json.loads((out / "results" / "nobody.json").read_text())
    assert all("missing" in test["output"] for test in nobody["tests"])


def test_the_exercises_to_grade_can_be_named(tmp_path: Path):
    submissions, out = make_class(tmp_path), tmp_path / "grades"
    numbers = [ex.number for ex in EXERCISES]
    finished = run_batch(str(submissions), "--out", str(out), "--exercises", *numbers)
    assert finished.returncode == 0, finished.stderr
    rows = list(csv.DictReader((out / "grades.csv").open()))
    assert len(rows) == 5 * len(EXERCISES)


def test_a_missing_folder_or_unknown_exercise_is_a_usage_error(tmp_path: Path):
    assert run_batch(str(tmp_path / "nowhere"), "--out", str(tmp_path)).returncode == 2
    assert run_batch(str(tmp_path), "--out", str(tmp_path), "--exercises", "99").returncode == 2


def test_uploads_in_any_shape_are_laid_out_per_exercise(tmp_path: Path):
    upload = tmp_path / "upload"
    write(upload / "deep" / "exercises" / FIRST.folder, solutions(FIRST))
    write(upload, {m: "# a stray copy at the top\n" for m in FIRST.modules})
    found = lay_out(EXERCISES, upload, tmp_path / "laid")
    assert set(found) == {FIRST.number}
    for module in FIRST.modules:  # the exercise folder wins over a loose file of the same name
        assert (tmp_path / "laid" / FIRST.folder / module).read_text() == solutions(FIRST)[module]
    for exercise in EXERCISES:
        assert (tmp_path / "laid" / exercise.folder).is_dir()


COPY_A_CLASSMATE = """
import glob, os, time
mine = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pattern = os.path.join(os.path.dirname(mine), "*", "*", "byhand.py")
until = time.monotonic() + 5  # the classmate is graded at the same time, by the other worker
while time.monotonic() < until:
    others = [path for path in glob.glob(pattern) if not path.startswith(mine + os.sep)]
    if others:
        exec(open(others[0]).read())  # a classmate's work, graded as one's own
        break
    time.sleep(0.05)
"""


def test_in_the_sandbox_an_upload_cannot_read_a_classmates(tmp_path: Path):
    # Under the guard alone it can (SECURITY.md): every upload of the batch is laid out on the
    # same machine, readable by the user who grades.
    require_sandbox()
    byhand = next(exercise for exercise in EXERCISES if exercise.number == "03")
    submissions, out = tmp_path / "submissions", tmp_path / "grades"
    write(submissions / "ada" / byhand.folder, solutions(byhand))
    write(submissions / "eve" / byhand.folder, {"byhand.py": COPY_A_CLASSMATE})
    finished = run_batch(str(submissions), "--out", str(out), "--workers", "2")
    assert finished.returncode == 0, finished.stdout + finished.stderr
    rows = csv.DictReader((out / "grades.csv").open())
    score = {row["student"]: float(row["score"]) for row in rows}
    assert score["ada"] > 0 and score["eve"] == 0, score
    ada = json.loads((out / "results" / "ada.json").read_text())
    assert "forked inside it" in ada["output"]  # one sandbox for the worker, not one a child


def _concurrency_with(idle: float | None, jobs: int = 24) -> tuple[list[int], int]:
    """What graded_in_order returns and the most gradings it had at once (two to six), with
    the machine's CPU `idle` share always the same. Enough jobs that the width reaches six even
    when every running one ends before the next look (a loaded machine: 2 + 3 + 4 + 5 + 6)."""
    lock, at_once, most = threading.Lock(), [0], [0]

    def grade(job: int) -> int:
        with lock:
            at_once[0] += 1
            most[0] = max(most[0], at_once[0])
        time.sleep(0.05)
        with lock:
            at_once[0] -= 1
        return job * 10

    with ThreadPoolExecutor(max_workers=8) as pool:
        reports = batch.graded_in_order(pool.submit, grade, list(range(jobs)), 2, 6,
                                        idle=lambda: idle)
    return reports, most[0]


def test_idle_cores_widen_a_batch_up_to_its_widest_and_full_ones_never_do():
    reports, most = _concurrency_with(idle=0.5)
    assert reports == [job * 10 for job in range(24)]  # in the jobs' order, whatever finished first
    assert most == 6
    assert _concurrency_with(idle=0.0)[1] == 2
    assert _concurrency_with(idle=None)[1] == 2  # unknown: as many as cores


def test_a_full_machine_narrows_a_batch_back_but_never_below_a_grading_per_core():
    assert batch.next_width(5, 0.0, 2, 6) == 4
    assert batch.next_width(2, 0.0, 2, 6) == 2
    assert batch.next_width(3, 0.1, 2, 6) == 3  # between the two bounds: as it was
    assert batch.next_width(6, 0.9, 2, 6) == 6


def test_the_idle_share_is_read_from_the_systems_cpu_counts(tmp_path: Path, monkeypatch):
    stat = tmp_path / "stat"
    stat.write_text("cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7\n")
    monkeypatch.setattr(batch, "IDLE_SAMPLE_SECONDS", 0.0)
    share = batch.IdleShare(stat)
    stat.write_text("cpu  250 0 150 750 100 0 0 0 0 0\n")  # 200 busy, 50 idle jiffies since
    assert share.since_last() == pytest.approx(0.2)
    assert batch.IdleShare(tmp_path / "none").since_last() is None
