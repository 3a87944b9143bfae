"""Judged checks: the parent draws the scenarios and judges what the child observed; a child can
fail such a check, never pass it by saying so."""

from __future__ import annotations

import json
import random

import pytest

from graders.engine.parent import _result_from_event
from graders.engine.protocol import Result
from graders.kit.checks import CheckFailed, Suite
from graders.kit.scenarios import (
    DEFAULT_SEED,
    KEY_VARIABLE,
    as_list,
    call_text,
    choose_scenarios,
    grading_seed,
    judge_all,
    observed,
    observed_once,
    sampled_by,
    shown,
    sizes,
)
from graders.manifest import find_exercise

STRATA = ((1, 3), (4, 9), (10, 50))


def doubles_suite() -> Suite:
    """A judged check of a `double(n)`: right code returns 2 * n."""
    suite = Suite()

    def judge(scenario, seen):
        if seen != 2 * scenario["n"]:
            raise CheckFailed(f"{scenario['call']} gave {shown(seen)}.",
                              expected=str(2 * scenario["n"]))

    @suite.judged("double doubles", points=1, tags=("results",), judge=judge,
                  sample=sampled_by(lambda rng: [{"call": call_text("double", n), "n": n,
                                                  "size": n} for n in sizes(rng, STRATA)]))
    def double_works(ctx, scenario):
        return observed(ctx.function("double")(scenario["n"]))

    return suite


def result(passed: bool, observations: str = "") -> Result:
    return Result(index=0, passed=passed, observations=observations)


def test_every_sample_holds_a_size_of_every_stratum():
    for seed in range(50):
        drawn = sizes(random.Random(seed), STRATA)
        assert all(low <= n <= high for n, (low, high) in zip(drawn, STRATA, strict=True))


def test_a_child_that_says_passed_without_observations_fails():
    check = doubles_suite().checks[0]
    scenarios = choose_scenarios([check], DEFAULT_SEED)[0]
    judged = _result_from_event(check, result(True), scenarios)
    assert not judged.passed and "no usable observations" in judged.message


def test_right_observations_pass_and_the_smallest_wrong_one_is_shown():
    check = doubles_suite().checks[0]
    scenarios = choose_scenarios([check], DEFAULT_SEED)[0]
    right = [2 * s["n"] for s in scenarios]
    assert _result_from_event(check, result(True, json.dumps(right)), scenarios).passed
    wrong = [2 * s["n"] if s["n"] < 4 else 0 for s in scenarios]
    failure, _ = judge_all(check, scenarios, json.dumps(wrong))
    assert failure is not None
    smallest = min(s["n"] for s in scenarios if s["n"] >= 4)
    assert failure.summary.startswith(f"double({smallest}) gave 0")
    assert "2 of the 3 calls" in failure.render()


def test_a_failure_the_child_reports_is_kept_without_judging():
    check = doubles_suite().checks[0]
    failed = Result(index=0, passed=False, failure=CheckFailed("double is missing").failure)
    judged = _result_from_event(check, failed, [])
    assert not judged.passed and "double is missing" in judged.message


def test_observations_that_break_the_judge_fail_the_check_only():
    check = doubles_suite().checks[0]
    scenarios = choose_scenarios([check], DEFAULT_SEED)[0]
    judged = _result_from_event(check, result(True, json.dumps([{"x": 1}] * 3)), scenarios)
    assert not judged.passed and judged.failure is not None


def test_objects_that_pretend_are_observed_as_what_they_are():
    class Always(int):
        def __eq__(self, other):
            return True

        __hash__ = int.__hash__

    assert observed([1, Always(4)]) == {"list": [1, {"other": "Always", "repr": "4"}]}
    assert observed(ValueError("seven")) == {"error": "ValueError", "message": "seven"}
    assert as_list(observed((1, 2))) == [1, 2]
    assert shown(observed([1, ValueError("x")])) == "[1, ValueError('x')]"


def test_the_seed_is_fixed_without_a_key_and_follows_the_files_with_one(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    module = tmp_path / "gettoknow.py"
    module.write_text("x = 1\n")
    assert grading_seed("04", [module]) == DEFAULT_SEED
    keyed = grading_seed("04", [module], key="a teacher's secret")
    assert keyed != DEFAULT_SEED and keyed == grading_seed("04", [module], key="a teacher's secret")
    module.write_text("x = 2\n")
    assert grading_seed("04", [module], key="a teacher's secret") != keyed


@pytest.mark.parametrize("number", ["01", "02", "03", "04", "05", "06", "07"])
def test_every_judged_check_draws_scenarios_with_calls(number):
    exercise = find_exercise(number)
    assert exercise is not None
    checks = exercise.checks()
    for seed in (DEFAULT_SEED, 1, 99):
        for index, scenarios in choose_scenarios(checks, seed).items():
            assert scenarios, checks[index].id
            assert all(isinstance(s["call"], str) and s["call"] for s in scenarios)
            json.dumps(scenarios)  # plain JSON, to travel to the child


def test_the_key_never_reaches_the_student(tmp_path, monkeypatch):
    from conftest import grade_folder, make_submission, solution_files

    monkeypatch.setenv(KEY_VARIABLE, "the teacher's secret")
    exercise = find_exercise("04")
    assert exercise is not None
    files = solution_files(exercise)
    files[exercise.main_module] += (
        "\n\nasync def list_squares(n):\n"
        "    import os\n"
        f"    return [os.environ.get({KEY_VARIABLE!r}, 'no key')] * n\n")
    results = grade_folder(exercise, make_submission(tmp_path, exercise, files))
    by_id = {result.id: result for result in results}
    assert "'no key'" in by_id["list_squares_results"].message
    assert not any("secret" in result.message for result in results)


WRONG_ONLY_PAST_THE_TUTORIAL = {
    "semaphore_of_eight": "list_squares_overlap",
    "seven_squared_whatever_n": "executor_results",
    "stop_in_tutorial_numbers": "stop_in_stops",
    "remote_container_set_of_items": "remote_container",
    "launch_square_polls_short": "launch_square_polls",
}


@pytest.mark.parametrize("key", ["", "one teacher's key", "another teacher's key"])
def test_04_verdicts_hold_whatever_the_seed(tmp_path, monkeypatch, key):
    """Every sample holds each stratum that matters: right code passes and code right only on
    the tutorial's inputs fails, whatever the key draws."""
    from conftest import grade_folder, make_submission, solution_files

    from graders.manifest import PACK_ROOT

    monkeypatch.setenv(KEY_VARIABLE, key)
    exercise = find_exercise("04")
    assert exercise is not None
    right = grade_folder(exercise, make_submission(tmp_path / "right", exercise,
                                                   solution_files(exercise)))
    assert all(result.passed for result in right), [r.message for r in right if not r.passed]
    variants = PACK_ROOT / "tests" / "variants" / "04_gettoknow"
    for stem, check_id in WRONG_ONLY_PAST_THE_TUTORIAL.items():
        files = solution_files(exercise)
        files[exercise.main_module] += "\n\n" + (variants / f"{stem}.py").read_text()
        results = grade_folder(exercise, make_submission(tmp_path / stem, exercise, files))
        assert not {r.id: r for r in results}[check_id].passed, (stem, key)


WRONG_ONLY_PAST_THE_TUTORIAL_05 = {
    "semaphore_of_ten": "main_overlaps_requests",
    "connector_limit_ten": "main_overlaps_requests",
    "raises_only_on_404": "speak_raises_on_error_status",
    "tutorial_sounds_kept": "speak_returns_line",
    "name_lowercased": "speak_returns_line",
    "completion_order": "main_prints_and_returns_lines",
}


@pytest.mark.parametrize("key", ["", "one teacher's key", "another teacher's key"])
def test_05_verdicts_hold_whatever_the_seed(tmp_path, monkeypatch, key):
    """Every draw of 05's farms holds what catches a client right only on the tutorial's farm
    (ten at a time, 404 alone, the tutorial's sounds and names, answers in completion order),
    and right code passes it, whatever the key."""
    from conftest import grade_folder, make_submission, solution_files

    from graders.manifest import PACK_ROOT

    monkeypatch.setenv(KEY_VARIABLE, key)
    exercise = find_exercise("05")
    assert exercise is not None
    right = grade_folder(exercise, make_submission(tmp_path / "right", exercise,
                                                   solution_files(exercise)))
    assert all(result.passed for result in right), [r.message for r in right if not r.passed]
    variants = PACK_ROOT / "tests" / "variants" / "05_animals"
    for stem, check_id in WRONG_ONLY_PAST_THE_TUTORIAL_05.items():
        files = solution_files(exercise)
        files[exercise.main_module] += "\n\n" + (variants / f"{stem}.py").read_text()
        results = grade_folder(exercise, make_submission(tmp_path / stem, exercise, files))
        assert not {r.id: r for r in results}[check_id].passed, (stem, key)


WRONG_ONLY_PAST_THE_TUTORIAL_01 = {
    "raises_only_on_404": "speak_raises_on_error_status",
    "tutorial_sounds_kept": "speak_returns_line",
    "name_lowercased": "speak_returns_line",
    "two_threads_at_a_time": "main_is_sequential",
}


@pytest.mark.parametrize("key", ["", "one teacher's key", "another teacher's key"])
def test_01_verdicts_hold_whatever_the_seed(tmp_path, monkeypatch, key):
    """Every draw of 01's farms holds what catches a client right only on the tutorial's farm,
    and right code passes it, whatever the key."""
    from conftest import grade_folder, make_submission, solution_files

    from graders.manifest import PACK_ROOT

    monkeypatch.setenv(KEY_VARIABLE, key)
    exercise = find_exercise("01")
    assert exercise is not None
    right = grade_folder(exercise, make_submission(tmp_path / "right", exercise,
                                                   solution_files(exercise)))
    assert all(result.passed for result in right), [r.message for r in right if not r.passed]
    variants = PACK_ROOT / "tests" / "variants" / "01_warmup"
    for stem, check_id in WRONG_ONLY_PAST_THE_TUTORIAL_01.items():
        files = solution_files(exercise)
        files[exercise.main_module] += "\n\n" + (variants / f"{stem}.py").read_text()
        results = grade_folder(exercise, make_submission(tmp_path / stem, exercise, files))
        assert not {r.id: r for r in results}[check_id].passed, (stem, key)


def test_checks_sharing_a_draw_read_one_run_of_each_scenario_and_meet_its_failure():
    runs: list[str] = []

    def observe(call: str) -> dict:
        runs.append(call)
        if call == "main(())":
            raise CheckFailed(f"{call} raised ValueError")
        return {"value": len(runs)}

    scenarios = [{"call": "main()"}, {"call": "main(())"}]
    for _ in ("the results check", "the sessions check"):
        assert observed_once(("main", 1, scenarios[0]), lambda: observe("main()")) == {"value": 1}
        with pytest.raises(CheckFailed, match="raised ValueError"):
            observed_once(("main", 1, scenarios[1]), lambda: observe("main(())"))
    assert runs == ["main()", "main(())"]
    observed_once(("main", 2, scenarios[0]), lambda: observe("main()"))  # another function
    assert runs == ["main()", "main(())", "main()"]
