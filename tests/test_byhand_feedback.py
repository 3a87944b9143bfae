"""What exercise 03's timing checks show a learner whose scheduler does not overlap."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import VARIANTS_DIR, grade_folder, make_submission, solution_files

from graders.kit import scenarios

OVERLAP = "overlaps_sleeps"


def graded_variant(exercise, tmp_path: Path, name: str) -> dict:
    files = solution_files(exercise)
    variant = (VARIANTS_DIR / "03_byhand" / name).read_text()
    files[exercise.main_module] += "\n\n" + variant
    results = grade_folder(exercise, make_submission(tmp_path, exercise, files))
    return {result.id: result for result in results}


def test_a_scheduler_that_runs_cubes_one_after_another_sees_both_timelines(exercise_03, tmp_path):
    overlap = graded_variant(exercise_03, tmp_path, "one_after_another.py")[OVERLAP]
    assert "Your scheduler: 12 s" in overlap.timeline
    assert "Overlapping: 6 s" in overlap.timeline
    assert overlap.timeline.count("cube(10)") == 2


def test_the_timing_message_gives_both_durations_in_seconds(exercise_03, tmp_path):
    overlap = graded_variant(exercise_03, tmp_path, "one_after_another.py")[OVERLAP]
    assert "took 12 s of your scheduler's clock; overlapping, they take 6 s" in overlap.message


def test_a_coroutine_resumed_late_shows_as_ready_but_not_resumed(exercise_03, tmp_path):
    overlap = graded_variant(exercise_03, tmp_path, "sleeps_whole_delay.py")[OVERLAP]
    assert "▒" in overlap.timeline and "ready, but not resumed" in overlap.timeline


def test_a_blocking_call_is_shown_with_its_file_and_line(exercise_03, tmp_path):
    results = graded_variant(exercise_03, tmp_path, "time_sleep_in_coroutine.py")
    blocking = results["never_time_sleep"]
    solution_lines = len(solution_files(exercise_03)["byhand.py"].splitlines())
    line = solution_lines + 2 + 4  # the variant starts 2 lines below; time.sleep is its 4th
    assert f"byhand.py:{line} time.sleep(3) inside async def square" in blocking.message


def test_a_right_scheduler_gets_no_timeline(exercise_03, tmp_path):
    results = graded_variant(exercise_03, tmp_path, "heap_scheduler.py")
    assert all(not result.timeline for result in results.values())


def graded_by_id(exercise, tmp_path: Path, *names: str) -> dict:
    """The results of the solution with these variants of 03 appended, by check id."""
    files = solution_files(exercise)
    for name in names:
        files[exercise.main_module] += "\n\n" + (VARIANTS_DIR / "03_byhand" / name).read_text()
    results = grade_folder(exercise, make_submission(tmp_path, exercise, files))
    return {result.id: result for result in results}


def test_a_coroutine_resumed_early_is_said_and_drawn_as_resumed_early(exercise_03, tmp_path):
    overlap = graded_by_id(exercise_03, tmp_path, "resumes_early.py")["overlaps_sleeps"]
    assert "resumed like cube(5) at 1.5 s of its clock, before its wake-up time at 3 s" in \
        overlap.message
    assert "never went through" not in overlap.message
    assert "× resumed before its wake-up time" in overlap.timeline
    assert "Your scheduler: 4.31 s" in overlap.timeline  # a wait cut short takes no time


def test_run_by_hand_failing_on_the_graders_coroutine_is_not_sent_to_fix_cube(exercise_03,
                                                                            tmp_path):
    results = graded_by_id(exercise_03, tmp_path, "cube_computes_square.py",
                           "run_by_hand_forgets_return.py")
    assert not results["cube_by_hand"].passed
    run_by_hand = results["run_by_hand_returns_result"]
    assert "run_by_hand(waits([" in run_by_hand.message  # the grader's coroutine
    assert "first:" not in run_by_hand.message



@pytest.mark.parametrize("variant", ["at_most_eight_at_once.py", "half_second_poller.py",
                                     "none_marks_unfinished.py"])
def test_a_wrong_scheduler_gets_the_same_verdict_whatever_the_seed(exercise_03, tmp_path,
                                                                    monkeypatch, variant):
    verdicts = set()
    for seed in (scenarios.DEFAULT_SEED, 1, 99):
        monkeypatch.setattr(scenarios, "DEFAULT_SEED", seed)
        results = graded_by_id(exercise_03, tmp_path / str(seed), variant)
        verdicts.add(tuple(sorted(check for check, result in results.items()
                                  if not result.passed)))
    assert len(verdicts) == 1 and next(iter(verdicts)), verdicts


def test_every_sample_of_the_scheduler_checks_holds_each_kind_of_plan(exercise_03):
    checks = exercise_03.checks()
    for seed in range(40):
        chosen = scenarios.choose_scenarios(checks, seed)
        by_id = {checks[index].id: drawn for index, drawn in chosen.items()}
        for check in ("overlaps_sleeps", "resumes_earliest_first", "results_in_argument_order"):
            plans = [s.get("plans") or [] for s in by_id[check]]
            every = [delay for group in plans for plan in group for delay in plan]
            assert max(len(group) for group in plans) > 16, (seed, check)  # past any batch
            assert 0 in every and any(not plan for group in plans for plan in group)
            assert any((delay * 2) % 1 for delay in every), (seed, check)  # odd delays
            assert any(len(group) >= 3 and sum(group[0]) > max(map(sum, group[1:]))
                       for group in plans), (seed, check)  # the first given is due last
        results = [r for s in by_id["results_in_argument_order"] for r in s.get("results", [])]
        assert None in results and any(r is not None and not r for r in results), seed
