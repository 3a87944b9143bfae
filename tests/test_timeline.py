"""Pictures of time: Gantt-like charts built from spans or from printed lines."""

from __future__ import annotations

import asyncio
import re

from graders.engine.child import run_check
from graders.kit.capture import PrintedLine
from graders.kit.checks import Check, CheckFailed
from graders.kit.context import CheckContext
from graders.kit.timeline import (
    GLYPHS,
    Timeline,
    gantt_lines,
    gantt_side_by_side,
    record_span,
    render_gantt,
    render_printed,
    row_by_pattern,
    row_of_call,
    side_by_side,
)
from graders.kit.vtime import run_virtual


def two_cubes(title: str, second_starts_at: float) -> Timeline:
    timeline = Timeline(title)
    for row, start in (("cube(5)", 0.0), ("cube(10)", second_starts_at)):
        timeline.add_late(row, 0.0, start)
        for at in (start, start + 3):
            timeline.add_run(row, at)
            timeline.add_wait(row, at, at + 3)
        timeline.add_run(row, start + 6)
    return timeline


def bar_of(chart: str, row: str) -> str:
    line = next(line for line in chart.splitlines() if line.startswith(row + " "))
    return line[len(row):].strip().rsplit("  ", 1)[0].strip()


def test_a_coroutine_that_runs_waits_and_runs_is_one_bar_of_run_and_wait_glyphs():
    chart = render_gantt(two_cubes("Together", 0))
    first_wait, second_wait = re.fullmatch("█(░+)█(░+)█", bar_of(chart, "cube(5)")).groups()
    assert len(first_wait) == len(second_wait)


def test_each_row_ends_with_the_time_it_finished():
    lines = gantt_lines(two_cubes("One after another", 6))
    assert lines[-1].startswith("cube(10)") and lines[-1].endswith("12 s")
    assert lines[-2].startswith("cube(5)") and lines[-2].endswith("6 s")


def test_time_a_coroutine_was_ready_but_not_resumed_has_its_own_glyph():
    chart = render_gantt(two_cubes("One after another", 6))
    assert bar_of(chart, "cube(10)").startswith(GLYPHS["late"] * 12 + GLYPHS["run"])
    assert "ready, but not resumed" in chart


def test_the_axis_is_labelled_in_seconds():
    chart = render_gantt(two_cubes("One after another", 6))
    axis = chart.splitlines()[1].split()
    assert axis == ["0", "3", "6", "9", "12"]
    assert "seconds" in chart


def test_rows_that_never_overlap_ran_one_after_another():
    assert two_cubes("", 6).ran_one_after_another()


def test_rows_that_overlap_did_not_run_one_after_another():
    assert not two_cubes("", 0).ran_one_after_another()
    assert not two_cubes("", 3).ran_one_after_another()


def test_side_by_side_charts_share_one_scale():
    chart = gantt_side_by_side(two_cubes("Yours", 6), two_cubes("Expected", 0))
    title, numbers, ruler = chart.splitlines()[:3]
    assert "Yours: 12 s" in title and "Expected: 6 s" in title
    left_ruler, right_ruler = ruler.split()
    assert left_ruler == right_ruler
    assert numbers.split() == ["0", "3", "6", "9", "12"] * 2


def test_side_by_side_charts_fit_an_80_column_terminal_under_the_reports_indent():
    chart = gantt_side_by_side(two_cubes("Yours", 6), two_cubes("Expected", 0))
    assert max(len(line) for line in chart.splitlines()) <= 80 - 6


def test_charts_too_wide_for_side_by_side_are_stacked():
    wide = Timeline("Many")
    wide.add_run("a row with a rather long name", 0)
    wide.add_wait("a row with a rather long name", 0, 100)
    chart = gantt_side_by_side(wide, wide, total_width=60)
    assert chart.count("Many: 100 s") == 2
    assert max(len(line) for line in chart.splitlines()) <= 60


def test_printed_lines_become_rows_that_wait_between_their_lines():
    printed = [PrintedLine("Starting square with argument 2!", 0.0),
               PrintedLine("Starting square with argument 3!", 0.0),
               PrintedLine("Finishing square with argument 2!", 3.0),
               PrintedLine("a line of no row", 3.0),
               PrintedLine("Finishing square with argument 3!", 3.0)]
    timeline = Timeline.from_printed(printed, row_by_pattern(r"argument (\d+)", "square({0})"))
    assert timeline.rows == ["square(2)", "square(3)"]
    assert timeline.lifetime("square(3)") == (0.0, 3.0)
    assert [span.state for span in timeline.spans if span.row == "square(2)"] == \
        ["run", "wait", "run"]


def test_record_span_notes_start_and_end_on_the_virtual_clock():
    timeline = Timeline("asyncio")

    async def two_sleepers() -> None:
        await asyncio.gather(record_span(timeline, "first", asyncio.sleep(3)),
                             record_span(timeline, "second", asyncio.sleep(5)))

    run_virtual(two_sleepers, call="two sleepers")
    assert timeline.lifetime("first") == (0.0, 3.0)
    assert timeline.lifetime("second") == (0.0, 5.0)
    assert not timeline.ran_one_after_another()


def test_an_empty_timeline_draws_nothing():
    assert render_gantt(Timeline("Nothing")) == ""


def test_the_list_of_printed_lines_is_still_drawn():
    lines = [PrintedLine("Starting", 0.0), PrintedLine("Finishing", 3.0)]
    assert "3.0  Finishing" in render_printed("Yours", lines)
    assert "Yours (seconds):" in side_by_side("Yours", lines, "Expected", lines)


def test_a_printed_line_is_put_on_the_row_of_the_call_it_names():
    assert row_of_call("Starting square with argument 3!") == "square(3)"
    assert row_of_call("waiting for square(3)...") == "square(3)"
    assert row_of_call("Shutdown in 3...") is None


def test_a_timing_failure_without_a_picture_gets_one_from_what_was_printed():
    async def one_after_another() -> None:
        for x in (1, 2):
            print(f"Starting square with argument {x}!")
            await asyncio.sleep(3)
            print(f"Finishing square with argument {x}!")

    def slow_check(ctx: CheckContext) -> None:
        run_virtual(one_after_another, call="squares")
        raise CheckFailed("squares took 6 s; overlapping, they take 3 s.")

    check = Check("squares overlap", 1, ("timing",), slow_check)
    result = run_check(check, CheckContext(modules={}, main_file="squares.py"))
    assert "What your code printed, by time: 6 s" in result.timeline
    assert "square(1)" in result.timeline and "square(2)" in result.timeline
