"""A failure stays a value until it is shown: the report's lines come from its fields, and the
terminal colours and wraps those lines by what they are, never by reading their text."""

from __future__ import annotations

import io

from graders.engine.parent import grade
from graders.engine.report import ExerciseReport, Line, failure_text, report_lines
from graders.kit.checks import CheckResult
from graders.kit.failure import Failure, Frame
from graders.learner.terminal import Output, styled_line

WRONG = Failure(
    "square(3) returned 6.", expected="9", actual="6", where=(Frame("byhand.py", 4, "square",
    "return x + x"),), why="square is what the schedulers drive.", advice="multiply.",
    builds_on=("manual_sleep yields its delay exactly once",),
)


def failed(failure: Failure, **fields) -> CheckResult:
    return CheckResult("square works", 0, 1, False, ("results",), failure, **fields)


def styles_of(text) -> dict[str, str]:
    """Each styled stretch of a rich Text, by its text."""
    return {text.plain[span.start:span.end]: str(span.style) for span in text.spans}


def test_a_failure_is_shown_in_its_parts_in_order():
    assert failure_text(failed(WRONG)).splitlines() == [
        "square(3) returned 6.",
        "expected: 9",
        "actual:   6",
        "  at byhand.py:4 in square: return x + x",
        "why:      square is what the schedulers drive.",
        "try:      multiply.",
        "first:    this check builds on “manual_sleep yields its delay exactly once”, which "
        "failed too: fixing that may fix this.",
    ]


def test_a_part_not_written_yet_is_its_own_cause():
    not_written = Failure("square(3) raised NotImplementedError.", not_written_yet=True,
                          builds_on=("manual_sleep yields its delay exactly once",))
    assert "first:" not in failure_text(failed(not_written))


def test_the_report_shows_the_chart_and_the_printed_lines_after_the_failure(exercise_03):
    result = failed(WRONG, timeline="yours  █░░█", student_output="hello\n")
    lines = report_lines(ExerciseReport(exercise_03, [result]))
    kinds = [line.kind for line in lines]
    assert kinds.index("chart") > kinds.index("first")
    assert [line.plain for line in lines if line.kind == "printed"] == ["        | hello"]


def test_colours_come_from_what_a_line_is_not_from_its_words():
    labelled = styled_line(Line("9", "expected", 6, label="expected"), None)[0]
    assert styles_of(labelled)["expected:"] == "cyan"
    lookalike = styled_line(Line("expected: 9", "summary", 6), None)[0]
    assert "expected:" not in styles_of(lookalike)
    mark = styled_line(Line("square works  (0/1, results)", "check", 2, label="✗"), None)[0]
    assert styles_of(mark)["✗"] == "bold red"


def test_a_long_labelled_line_wraps_under_its_label_and_a_chart_never_does():
    advice = "send None until the coroutine finishes " * 4
    wrapped = styled_line(Line(advice, "try", 6, label="try"), 60)
    assert len(wrapped) > 1 and all(len(line) <= 60 for line in wrapped)
    assert all(line.plain.startswith(" " * 16) and line.plain[16] != " " for line in wrapped[1:])
    assert styles_of(wrapped[0])["try:"] == "bold green"
    chart = Line("cube(5)   █░░░░░█" + " " * 80 + "6 s", "chart", 6, wraps=False)
    (drawn,) = styled_line(chart, 60)
    assert drawn.plain == chart.plain
    assert styles_of(drawn)["█"] == "green"


def test_one_reason_for_every_check_is_said_once(exercise_03):
    syntax = Failure("byhand.py has a syntax error at line 1: invalid syntax")
    results = [CheckResult(name, 0, 1, False, ("results",), syntax) for name in ("one", "two")]
    text = report_lines(ExerciseReport(exercise_03, results))
    plain = [line.plain for line in text]
    assert sum("syntax error" in line for line in plain) == 1
    assert "      (the same reason as “one” above)" in plain
    assert all("syntax error" in failure_text(result) for result in results)  # the JSON's


def test_the_check_running_is_shown_on_a_terminal_and_nothing_when_piped(monkeypatch):
    piped = io.StringIO()
    Output("never", piped).running("square works")
    assert piped.getvalue() == ""
    terminal = io.StringIO()
    monkeypatch.setattr(terminal, "isatty", lambda: True)
    shown = Output("never", terminal)
    shown.running("square works")
    shown.done_running()
    assert terminal.getvalue() == "\r\x1b[K  … square works\r\x1b[K"


def test_grade_tells_of_each_check_as_it_starts(exercise_03):
    started = []
    grade(exercise_03, None, exercise_03.solution_dir, reference=True, on_start=started.append)
    assert [check.id for check in started] == [check.id for check in exercise_03.checks()]
