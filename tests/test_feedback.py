"""Messages that teach: each part in its place, the first difference pointed at, causes first."""

from __future__ import annotations

import pytest

from graders.engine.report import ExerciseReport, failure_text, render_text
from graders.kit.checks import CheckFailed, CheckResult, Suite, point_to_earlier_failures
from graders.kit.failure import Failure
from graders.kit.tracing import Step, compare_traces
from graders.learner.terminal import wrap


def test_a_failure_reads_summary_expected_actual_why_then_what_to_try():
    text = CheckFailed("square(4) gave 15.", expected="16", actual="15",
                       why="square is what the scheduler drives.", advice="return x * x").render()
    labels = [line.split(":")[0] for line in text.splitlines()[1:]]
    assert labels == ["expected", "actual", "why", "try"]


def test_a_failure_without_why_has_no_why_line():
    assert "why:" not in CheckFailed("wrong", advice="try again").render()


def square_works(ctx) -> None:
    """A check that passes (its name is its id)."""


def cube_works(ctx) -> None:
    """Another check that passes."""


def test_a_check_can_only_build_on_earlier_checks():
    suite = Suite()
    with pytest.raises(ValueError, match="earlier checks"):
        suite.check("cube works", points=1, tags=("results",), needs=("square_works",))(cube_works)


def test_a_check_builds_on_an_earlier_check_by_its_id_not_its_sentence():
    suite = Suite()
    suite.check("square works", points=1, tags=("results",))(square_works)
    with pytest.raises(ValueError, match="earlier checks"):
        suite.check("cube works", points=1, tags=("results",), needs=("square works",))(
            cube_works)


def test_two_checks_of_a_suite_cannot_share_an_id():
    suite = Suite()
    suite.check("square works", points=1, tags=("results",))(square_works)
    with pytest.raises(ValueError, match="'square_works' is taken"):
        suite.check("square works again", points=1, tags=("results",))(square_works)


def test_a_checks_id_is_its_functions_name():
    suite = suite_of_two()
    assert suite.ids() == ["square_works", "cube_works"]
    assert [check.name for check in suite.checks] == ["square works", "cube works"]


def result(name: str, passed: bool) -> CheckResult:
    return CheckResult(name, 1.0 if passed else 0.0, 1.0, passed, ("results",),
                       failure=None if passed else Failure(f"{name} went wrong"))


def suite_of_two() -> Suite:
    suite = Suite()
    suite.check("square works", points=1, tags=("results",))(square_works)
    suite.check("cube works", points=1, tags=("results",), needs=("square_works",))(cube_works)
    return suite


def test_a_failure_that_builds_on_a_failed_check_says_to_fix_that_first():
    both_failed = [result("square works", False), result("cube works", False)]
    results = point_to_earlier_failures(suite_of_two().checks, both_failed)
    assert "“square works”, which failed too" in results[1].message
    assert "failed too" not in results[0].message


def test_a_failure_whose_earlier_check_passed_says_nothing_more():
    one_failed = [result("square works", True), result("cube works", False)]
    results = point_to_earlier_failures(suite_of_two().checks, one_failed)
    assert results[1].message == "cube works went wrong"


def test_a_trace_that_differs_points_at_its_first_difference():
    expected = [Step("print", "Starting square with argument 4!"), Step("yield", 3)]
    actual = [Step("print", "Starting square(4)"), Step("yield", 3)]
    with pytest.raises(CheckFailed) as failure:
        compare_traces("square(4)", expected, actual, advice="check the lines")
    assert "at step 1 the printed line differs in its wording" in failure.value.summary
    assert "'Starting square(4)'   <- here" in failure.value.actual


def test_a_trace_that_never_yields_says_so():
    expected = [Step("print", "a"), Step("yield", 3), Step("return", 9)]
    actual = [Step("print", "a"), Step("return", 9)]
    with pytest.raises(CheckFailed) as failure:
        compare_traces("square(3)", expected, actual, advice="yield")
    assert "without yielding first" in failure.value.summary


def test_a_trace_that_yields_the_wrong_delay_names_both_delays():
    with pytest.raises(CheckFailed) as failure:
        compare_traces("nap", [Step("yield", 2.5)], [Step("yield", None)], advice="yield n")
    assert "yields None to its driver instead of 2.5" in failure.value.summary


def test_watch_mode_shows_only_the_first_failure_in_full(exercise_03):
    first = CheckResult("one", 0, 1, False, ("results",), Failure("first line\nmore of one"))
    second = CheckResult("two", 0, 1, False, ("timing",), Failure("second line\nmore of two"))
    text = render_text(ExerciseReport(exercise_03, [first, second]), only_first_failure=True)
    assert "more of one" in text and "second line" in text
    assert "more of two" not in text


def test_printed_lines_the_timeline_already_shows_are_not_shown_again():
    printed = "Starting square with argument 0!\nFinishing square with argument 0!"
    timeline = "  0.0  Starting square with argument 0!\n  3.0  Finishing square with argument 0!"
    result = CheckResult("one", 0, 1, False, ("timing",), Failure("too slow"),
                         student_output=printed, timeline=timeline)
    assert "What your code printed" not in failure_text(result)
    result.student_output = printed + "\nsomething else"
    assert "What your code printed" in failure_text(result)


def test_long_prose_is_wrapped_under_its_label_and_charts_are_left_alone():
    prose = "      try:      " + "send None until the coroutine finishes " * 4
    chart = "cube(5)   █░░░░░█░░░░░█" + " " * 80 + "6 s"
    wrapped = wrap(prose + "\n" + chart, 60).splitlines()
    assert all(len(line) <= 60 for line in wrapped[:-1])
    assert wrapped[1].startswith(" " * 16) and wrapped[1][16] != " "  # under the label's text
    assert wrapped[-1] == chart


def test_a_failure_that_used_only_the_graders_code_gets_no_pointer_back():
    from graders.kit.checks import NOTHING_ELSE_OF_YOURS

    both_failed = [result("square works", False), result("cube works", False)]
    both_failed[1].failure = Failure(
        f"cube(2) with the grader's square failed ({NOTHING_ELSE_OF_YOURS})")
    results = point_to_earlier_failures(suite_of_two().checks, both_failed)
    assert "first:" not in results[1].message


def test_code_without_a_name_is_said_in_words_not_in_pythons_internal_names():
    import sys

    from graders.kit.watched import function_in_words

    def square():
        in_comprehension = [function_in_words(sys._getframe()) for _ in range(1)]
        return in_comprehension, (lambda: function_in_words(sys._getframe()))()

    (in_comprehension,), in_lambda = square()
    assert in_lambda == "a lambda in def square"
    # Python 3.12 inlines comprehensions (PEP 709): then the line is square's own.
    assert in_comprehension in ("a list comprehension in def square", "def square")


def test_05s_timeline_puts_an_answer_before_the_request_it_let_go_at_the_same_instant():
    from graders.farm.service import FarmLog, Visit
    from graders.suites.models.animals import farm_timeline

    log = FarmLog([Visit("/animals/cow", 0.0, 1, 200, 5.0),
                   Visit("/animals/pig", 5.0, 1, 200, 10.0),
                   Visit("/animals/fox", 10.0, 1, 404, 10.0)])
    assert [line.text for line in farm_timeline(log)] == [
        "asked for /animals/cow", "answered /animals/cow", "asked for /animals/pig",
        "answered /animals/pig", "asked for /animals/fox", "answered /animals/fox"]


def solution_lines() -> set[str]:
    """The reference solutions' own statements that do something (assign, await, return,
    yield), stripped: in an advice, such a line writes the learner's code for them. Names the
    contract gives (class Connection:, response.raise_for_status()) are fair to name."""
    from graders.manifest import load_exercises

    lines = set()
    for exercise in load_exercises():
        for name in exercise.modules:
            text = (exercise.solution_dir / name).read_text()
            lines |= {line.strip() for line in text.splitlines()
                      if len(line.strip()) >= 16 and not line.strip().startswith(("#", '"'))
                      and any(word in line for word in (" = ", "await ", "return ", "yield "))}
    return lines


def advice_texts() -> list[str]:
    """Every constant string given as `advice=` in the suites and their models (implicit joins
    are one string)."""
    import ast
    from pathlib import Path

    import graders.suites

    texts = []
    for path in sorted(Path(graders.suites.__file__).parent.rglob("*.py")):  # models/ too
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword) and node.arg == "advice":
                texts += [n.value for n in ast.walk(node.value)
                          if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return texts


def test_no_advice_of_the_suites_writes_a_line_of_the_solutions():
    lines = solution_lines()
    giveaways = [(text, line) for text in advice_texts() for line in lines if line in text]
    assert not giveaways, giveaways
