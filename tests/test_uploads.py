"""Uploads with links, or leading into solutions/, are refused alike by `check`, batch and
Gradescope; grading the reference solutions takes --reference; and results are always written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_submission, solution_files

from graders import __main__ as command_line
from graders.engine.report import ExerciseReport
from graders.manifest import PACK_ROOT, find_exercise
from graders.teachers import batch, gradescope
from graders.teachers.layout import UploadRefused, lay_out

EXERCISE = find_exercise("03")


def run_check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graders", "check", *args], cwd=PACK_ROOT,
                          capture_output=True, text=True, timeout=120)


def test_a_module_that_is_a_link_fails_every_check_and_the_results_file_says_why(tmp_path):
    elsewhere = tmp_path / "classmate.py"
    elsewhere.write_text(solution_files(EXERCISE)[EXERCISE.main_module])
    folder = make_submission(tmp_path, EXERCISE, {})
    (folder / EXERCISE.main_module).symlink_to(elsewhere)
    results_path = tmp_path / "results.json"
    finished = run_check("03", "--submission", str(folder.parent), "--json", str(results_path))
    assert finished.returncode == 1
    results = json.loads(results_path.read_text())
    assert results["score"] == 0
    assert all("symbolic link" in test["output"] and "byhand.py ->" in test["output"]
               for test in results["tests"])


def test_an_exercise_folder_that_links_into_solutions_is_refused(tmp_path: Path):
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / EXERCISE.folder).symlink_to(EXERCISE.solution_dir)
    finished = run_check("03", "--submission", str(submission))
    assert finished.returncode == 1
    assert "0/10 points" in finished.stdout and "is a symbolic link" in finished.stdout


def test_the_solutions_are_graded_only_with_reference(tmp_path: Path):
    refused = run_check("03", "--submission", "solutions")
    assert refused.returncode == 1 and "--reference" in refused.stdout
    graded = run_check("03", "--submission", "solutions", "--reference")
    assert graded.returncode == 0, graded.stdout


def test_a_batch_refuses_a_link_to_a_classmates_file_and_grades_the_classmate(tmp_path: Path):
    submissions = tmp_path / "submissions"
    bob = submissions / "bob" / EXERCISE.folder
    bob.mkdir(parents=True)
    for name, text in solution_files(EXERCISE).items():
        (bob / name).write_text(text)
    alice = submissions / "alice" / EXERCISE.folder
    alice.mkdir(parents=True)
    (alice / EXERCISE.main_module).symlink_to(bob / EXERCISE.main_module)
    graded = dict(batch.grade_all(submissions, tmp_path / "out", [EXERCISE], workers=1))
    assert graded["alice"].score == 0
    assert all("symbolic links" in result.message for result in graded["alice"].results)
    assert graded["bob"].score == graded["bob"].max_score


def test_laying_out_an_upload_with_a_link_copies_nothing(tmp_path: Path):
    upload = tmp_path / "upload"
    upload.mkdir()
    (upload / "notes").symlink_to(PACK_ROOT / "graders")
    with pytest.raises(UploadRefused, match="notes"):
        lay_out([EXERCISE], upload, tmp_path / "laid")
    assert not (tmp_path / "laid").exists()


def test_the_results_file_is_written_when_the_grader_itself_breaks(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the grader broke")

    monkeypatch.setattr(command_line, "run_grading", broken)
    results_path = tmp_path / "results.json"
    status = command_line.main(["check", "03", "--submission", str(PACK_ROOT / "exercises"),
                                "--json", str(results_path)])
    results = json.loads(results_path.read_text())
    assert status == 1 and results["score"] == 0 and results["tests"]
    assert all("could not judge" in test["output"] and "the grader broke" in test["output"]
               for test in results["tests"])


def test_one_submissions_crash_never_stops_a_batch(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise MemoryError("the grading of one submission broke")

    monkeypatch.setattr(batch, "run_grading", broken)
    report = batch.grade_job(batch.Job("mallory", tmp_path, EXERCISE))
    assert isinstance(report, ExerciseReport) and report.score == 0
    assert all("could not be graded" in result.message for result in report.results)


def test_gradescope_refuses_an_upload_with_a_link(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(gradescope, "graded_exercises", lambda: [EXERCISE])
    upload = tmp_path / "submission"
    upload.mkdir()
    (upload / EXERCISE.main_module).symlink_to(EXERCISE.solution_dir / EXERCISE.main_module)
    results = json.loads(gradescope.run(tmp_path).read_text())
    assert results["score"] == 0 and results["tests"]
    assert all("symbolic links" in test["output"] for test in results["tests"])
