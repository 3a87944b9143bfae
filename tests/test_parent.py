"""The parent never crashes: whatever goes wrong while it runs or judges a child, every check
gets a result, and a check that could not be judged fails with the reason."""

from __future__ import annotations

import inspect

import pytest
from conftest import make_submission, solution_files

from graders.engine import childrun, parent
from graders.engine.parent import grade
from graders.engine.protocol import Finished, Restart, Result, Spoilt, Start, Verified


def test_a_child_that_cannot_even_be_run_fails_every_check_with_the_reason(
    monkeypatch, exercise_03
):
    def broken(*args, **kwargs):
        raise OSError("no more processes")

    monkeypatch.setattr(childrun, "run_child", broken)
    results = grade(exercise_03, None, exercise_03.solution_dir, reference=True)
    assert len(results) == len(exercise_03.checks())
    assert not any(r.passed or r.points for r in results)
    assert all("could not judge this check" in r.message and "OSError: no more processes"
               in r.message for r in results)


def test_what_was_judged_before_the_grader_went_wrong_is_kept(monkeypatch, exercise_03):
    judged = []
    judge = parent._result_from_event

    def judge_two_then_fail(check, event, scenarios):
        if len(judged) == 2:
            raise KeyError("a bug of the grader's")
        judged.append(check.id)
        return judge(check, event, scenarios)

    monkeypatch.setattr(parent, "_result_from_event", judge_two_then_fail)
    results = grade(exercise_03, None, exercise_03.solution_dir, reference=True)
    assert [r.passed for r in results[:2]] == [True, True]
    assert all(not r.passed and "KeyError" in r.message for r in results[2:])


@pytest.fixture
def guard_only(monkeypatch):
    """ask_where is called where the child is the parent's to signal: not inside bubblewrap."""
    monkeypatch.setenv("AWAITLINGS_SANDBOX", "guard")


HANGING_RUN_BY_HAND = "\n\ndef run_by_hand(coro, sleep=None):\n    while True:\n        pass\n"


@pytest.mark.parametrize("module, where", [(parent, "_import_failure"),
                                           (parent, "_stopped_failure"),
                                           (childrun, "ask_where")])
def test_an_error_while_judging_a_child_that_hung_fails_its_checks(
    monkeypatch, tmp_path, exercise_03, module, where, guard_only
):
    def broken(*args, **kwargs):
        raise ValueError("judging went wrong")

    monkeypatch.setattr(module, where, broken)
    files = solution_files(exercise_03)
    files[exercise_03.main_module] += HANGING_RUN_BY_HAND
    folder = make_submission(tmp_path, exercise_03, files)
    results = grade(exercise_03, None, folder, parent.ChildLimits(check_seconds=2))
    assert len(results) == len(exercise_03.checks())
    by_id = {r.id: r for r in results}
    assert "ValueError: judging went wrong" in by_id["run_by_hand_returns_result"].message
    assert not any(r.passed for r in results[3:])  # the rest could not be judged


def _run(*events) -> childrun.Run:
    return childrun.Run(events=list(events))


def test_a_childs_results_hold_up_to_its_last_comparison_of_the_grader():
    first, second = Result(0, passed=True), Result(1, passed=True)
    ended_in_a_check = _run(Start(0), first, Verified(), Start(1), second, Start(2))
    assert parent._held_results(ended_in_a_check, compare_each=False) == [first]
    assert parent._held_results(ended_in_a_check, compare_each=True) == [first, second]
    assert parent._held_results(_run(first, second, Finished()), False) == [first, second]
    assert parent._held_results(_run(first, second, Restart(2)), False) == [first, second]
    assert parent._held_results(_run(first, Verified(), second, Spoilt("x")), False) == [first]


def _children_run(monkeypatch) -> list[bool]:
    """Whether each child of the gradings that follow compared after each check."""
    compared: list[bool] = []
    run_child = childrun.run_child

    def recorded(*args, **kwargs):
        bound = inspect.signature(run_child).bind(*args, **kwargs)
        compared.append(bound.arguments.get("compare_each", False))
        return run_child(*args, **kwargs)

    monkeypatch.setattr(childrun, "run_child", recorded)
    return compared


def test_a_right_submission_is_graded_by_one_child_that_compares_once(monkeypatch, exercise_03):
    compared = _children_run(monkeypatch)
    results = grade(exercise_03, None, exercise_03.solution_dir, reference=True)
    assert all(r.passed for r in results)
    assert compared == [False]


def test_checks_before_an_exit_run_again_in_children_that_compare_after_each(
    monkeypatch, tmp_path, exercise_03
):
    compared = _children_run(monkeypatch)
    files = solution_files(exercise_03)
    files[exercise_03.main_module] += "\n\nimport os\n\ndef run_concurrently(*coros, **kw):\n" \
        "    os._exit(0)\n"
    folder = make_submission(tmp_path, exercise_03, files)
    results = {r.id: r for r in grade(exercise_03, None, folder)}
    assert compared[0] is False and compared[1:] and all(compared[1:])
    assert results["run_by_hand_returns_result"].passed
    assert not results["results_in_argument_order"].passed
    assert "ended the grading process" in results["results_in_argument_order"].message
