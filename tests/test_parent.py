"""The parent never crashes: whatever goes wrong while it runs or judges a child, every check
gets a result, and a check that could not be judged fails with the reason."""

from __future__ import annotations

import pytest
from conftest import make_submission, solution_files

from graders.engine import childrun, parent
from graders.engine.parent import grade


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
