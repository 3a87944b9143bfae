"""`python -m graders check`: exit statuses and the results file of the contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import make_submission, solution_files

from graders.kit.checks import TAGS
from graders.manifest import PACK_ROOT, find_exercise


def run_grader(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "graders", *args],
        capture_output=True, text=True, cwd=PACK_ROOT, timeout=120,
    )


def solved_submission(tmp_path: Path) -> Path:
    exercise = find_exercise("03")
    assert exercise is not None
    return make_submission(tmp_path, exercise, solution_files(exercise)).parent


def test_a_solved_exercise_exits_0_and_says_so(tmp_path: Path):
    finished = run_grader("check", "03", "--submission", str(solved_submission(tmp_path)))
    assert finished.returncode == 0, finished.stdout
    assert "10/10 points" in finished.stdout


def test_the_untouched_stub_exits_1():
    finished = run_grader("check", "03")
    assert finished.returncode == 1
    assert "0/10 points" in finished.stdout


def test_an_unknown_exercise_exits_2():
    finished = run_grader("check", "99")
    assert finished.returncode == 2
    assert "no exercise '99'" in finished.stderr


def test_a_missing_submission_folder_exits_2(tmp_path: Path):
    finished = run_grader("check", "03", "--submission", str(tmp_path / "nowhere"))
    assert finished.returncode == 2
    assert "no such folder" in finished.stderr


def test_a_submission_without_the_exercise_exits_2(tmp_path: Path):
    finished = run_grader("check", "03", "--submission", str(tmp_path))
    assert finished.returncode == 2
    assert "no folder for exercise 03" in finished.stderr


def test_checking_all_grades_every_exercise_found(tmp_path: Path):
    finished = run_grader("check", "--submission", str(solved_submission(tmp_path)))
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "03 byhand" in finished.stdout


def test_an_empty_exercise_argument_means_all(tmp_path: Path):
    # `make check` with no EXERCISE passes an empty argument.
    finished = run_grader("check", "", "--submission", str(solved_submission(tmp_path)))
    assert finished.returncode == 0, finished.stdout + finished.stderr


def test_the_results_file_has_the_contract_shape(tmp_path: Path):
    results_path = tmp_path / "results.json"
    finished = run_grader("check", "03", "--json", str(results_path))
    assert finished.returncode == 1
    results = json.loads(results_path.read_text())
    assert set(results) >= {"score", "max_score", "output", "tests"}
    assert results["score"] == 0 and results["max_score"] == 10
    assert sum(test["max_score"] for test in results["tests"]) == results["max_score"]
    for test in results["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "tags", "output"}
        assert test["name"].startswith("03 byhand: ")
        assert test["status"] == "failed"
        assert test["tags"] and set(test["tags"]) <= set(TAGS)
        assert test["output"]


def test_the_results_file_of_a_solution_has_full_score(tmp_path: Path):
    results_path = tmp_path / "results.json"
    finished = run_grader("check", "03", "--submission", str(solved_submission(tmp_path)),
                          "--json", str(results_path))
    assert finished.returncode == 0
    results = json.loads(results_path.read_text())
    assert results["score"] == results["max_score"] == 10
    assert all(test["status"] == "passed" for test in results["tests"])


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path):
    """`python -m graders check | head -1`: the grading goes on quietly, to its results file and
    its exit status."""
    results = tmp_path / "results.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "graders", "check", "03", "04", "--json", str(results)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=PACK_ROOT,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith(b"03 byhand")
    process.stdout.close()  # as `head -1` does
    errors = process.stderr.read().decode()
    assert process.wait(timeout=120) == 1
    assert "Traceback" not in errors and "BrokenPipe" not in errors, errors
    assert {test["name"][:2] for test in json.loads(results.read_text())["tests"]} == {"03", "04"}


def test_check_shows_the_first_failure_in_full_and_the_others_in_one_line():
    shown = run_grader("check", "03").stdout
    assert shown.count("why:") == 1 and shown.count("try:") == 1, shown
    assert "square prints, sleeps 3 s by hand" in shown  # the later checks are still listed
    assert "run_concurrently(waits([3, 3], 125), waits([3, 3], 1000)) raised NotImplementedError" \
        in shown


def test_check_verbose_shows_every_failure_in_full():
    shown = run_grader("check", "03", "--verbose").stdout
    checks = find_exercise("03").checks()
    assert shown.count("try:") == len(checks), shown


def test_the_results_file_keeps_every_failure_in_full(tmp_path: Path):
    results_path = tmp_path / "results.json"
    run_grader("check", "03", "--json", str(results_path))
    outputs = [test["output"] for test in json.loads(results_path.read_text())["tests"]]
    assert all("try:" in output for output in outputs)


def test_an_exercise_can_be_named_by_its_slug(tmp_path: Path):
    finished = run_grader("check", "byhand", "--submission", str(solved_submission(tmp_path)))
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "03 byhand" in finished.stdout


def test_help_says_every_command_in_whole_sentences():
    shown = run_grader("--help").stdout
    for command in ("check", "hint", "progress", "watch", "reset"):
        assert f"    {command} " in shown
    description = shown.split("\n\n")[1]
    assert description.rstrip().endswith("."), description


def test_no_command_shows_the_commands():
    finished = run_grader()
    assert finished.returncode == 2
    assert "hint" in finished.stderr and "watch" in finished.stderr and "usage:" in finished.stderr
