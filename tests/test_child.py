"""The child's side of a check (graders/engine/child.py), merged from three branches: each part
still does its work. `run_check` runs in this process here; the sandbox and hostile tests run the
child itself (the token, the guard, the integrity record, restarts after a spoilt check)."""

from __future__ import annotations

import asyncio

from graders.engine.child import run_check
from graders.engine.parent import grade
from graders.engine.protocol import Result
from graders.kit.checks import Check, CheckFailed
from graders.kit.context import CheckContext
from graders.kit.vtime import run_virtual
from graders.manifest import find_exercise


def context() -> CheckContext:
    return CheckContext(modules={}, main_file="student.py")


def failing(function, tags=("results",), why: str = "") -> Result:
    return run_check(Check("a check", 1, tags, function, why), context())


def test_a_failure_without_its_own_why_gets_the_checks_why():
    def check(ctx: CheckContext) -> None:
        raise CheckFailed("wrong", advice="try again")

    result = failing(check, why="this step is about overlap.")
    assert result.passed is False
    assert result.failure.why == "this step is about overlap."
    assert "why:      this step is about overlap." in result.failure.render()


def test_a_failure_with_its_own_why_keeps_it():
    def check(ctx: CheckContext) -> None:
        raise CheckFailed("wrong", why="its own reason.")

    assert failing(check, why="the check's reason.").failure.why == "its own reason."


def test_a_check_reports_the_virtual_seconds_it_covered():
    # (The picture a timing failure gets from what was printed: tests/test_timeline.py.)
    def check(ctx: CheckContext) -> None:
        run_virtual(lambda: asyncio.sleep(3), call="asyncio.sleep(3)")

    result = run_check(Check("a check", 1, ("timing",), check), context())
    assert result.passed is True and result.virtual_seconds == 3.0


def test_virtual_seconds_reach_the_parents_results():
    exercise = find_exercise("04")
    assert exercise is not None
    results = {r.id: r for r in grade(exercise, None, exercise.solution_dir, reference=True)}
    assert all(result.passed for result in results.values())
    overlap = results["list_squares_overlap"]
    assert overlap.virtual_seconds >= 3.0
