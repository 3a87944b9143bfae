"""The contract's model of exercise 04, in the parent: the scenarios its judged checks draw, and
what right code gives for each, against which the child's observations are judged
(graders/kit/scenarios.py). Nothing here runs the student's code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graders.kit import (
    CheckFailed,
    PrintedLine,
    Scenario,
    as_list,
    call_text,
    is_error,
    printed_from,
    sampled_by,
    shown,
    side_by_side,
    sizes,
    too_fast_advice,
)

SQUARE_SECONDS = 3.0
TOLERANCE = 0.05
"""Virtual seconds of slack: correct code is exact on virtual time, this only absorbs rounding."""


def starting(x: Any) -> str:
    return f"Starting square with argument {x}!"


def finishing(x: Any) -> str:
    return f"Finishing square with argument {x}!"


def waiting(x: Any) -> str:
    return f"waiting for square({x})..."


def at(seconds: float, text: str) -> PrintedLine:
    return PrintedLine(text, seconds)


def squares_timeline(numbers: list[int], failing: tuple[int, ...] = ()) -> list[PrintedLine]:
    lines = [at(0, starting(x)) for x in numbers]
    return lines + [at(SQUARE_SECONDS, finishing(x)) for x in numbers if x not in failing]


# Input space of list_squares(n) (the contract: squares of 0..n-1, all at once, 3 s for any n,
# the error object of square(7) in its place): any n >= 1. The results check draws n from five
# strata, so every sample has an n without 7 (1..7), just past it (8..12), past any batch a
# submission might keep (13..40, 41..120); the timing check draws its n the same way, past a
# semaphore of eight or sixteen too, with the grader's own square (3 s, no error for 7), so that
# it judges list_squares' overlap alone.
RESULT_STRATA = ((1, 7), (8, 12), (13, 40), (41, 120))
TIMING_STRATA = ((1, 4), (5, 8), (9, 16), (17, 64), (65, 150))


def squares_scenarios(strata: tuple[tuple[int, int], ...]) -> Callable[[Any], list[Scenario]]:
    return sampled_by(lambda rng: [{"call": call_text("list_squares", n), "n": n, "size": n}
                                   for n in sizes(rng, strata)])


def judge_squares(scenario: Scenario, seen: dict[str, Any], failing: tuple[int, ...]) -> None:
    n, call = scenario["n"], scenario["call"]
    problems = result_problems(seen["value"], n, failing)
    if problems:
        raise CheckFailed(
            f"{call} gave the wrong results.",
            expected=expected_squares(n, failing),
            actual=shown(seen["value"]),
            details="\n".join(problems),
            advice="one result per number, in the order 0, 1, ..., n-1 (not the order they "
            "finish in), with the exception object itself where square(7) failed.",
        )
    started = as_list(seen["started"]) or []
    missing = [x for x in range(n) if x not in started]
    if missing:
        raise CheckFailed(
            f"{call} did not run square for every number.",
            expected=f"square(x) for every x in 0..{n - 1}",
            actual=f"square was not called for {missing[:10]}",
            advice="build the list from square(x) for x in range(n), not from arithmetic "
            "of your own.",
        )


def expected_squares(n: int, failing: tuple[int, ...]) -> str:
    items = ["ValueError(...)" if x in failing else str(x * x) for x in range(min(n, 20))]
    return "[" + ", ".join(items) + (", ..." if n > 20 else "") + "]"


def result_problems(results: Any, n: int, failing: tuple[int, ...]) -> list[str]:
    """What is wrong with an observed list of results (graders.kit.scenarios.observed)."""
    kind = results.get("other") if isinstance(results, dict) else None
    if kind in AWAITABLE_TYPES:
        return [f"it returned a {kind}, something to await, not the list itself: an `await` is "
                "missing"]
    items = as_list(results)
    if items is None:
        name = kind or (type(results).__name__ if not isinstance(results, dict)
                        else next(iter(results), "value"))
        return [f"it returned a {name}, not a list"]
    if len(items) != n:
        return [f"{len(items)} results for {n} numbers"]
    problems = []
    for x, result in enumerate(items):
        if x in failing:
            if not is_error(result, "ValueError"):
                problems.append(f"at index {x}: {shown(result)}, not the ValueError object of "
                                f"square({x})")
        elif type(result) is not int or result != x * x:
            problems.append(f"at index {x}: {shown(result)}, not {x * x}")
    return problems[:5]


AWAITABLE_TYPES = ("coroutine", "Task", "Future", "_GatheringFuture", "generator")


def judge_overlap(scenario: Scenario, seen: dict[str, Any]) -> None:
    n, call, seconds = scenario["n"], scenario["call"], float(seen["seconds"])
    if abs(seconds - SQUARE_SECONDS) <= TOLERANCE:
        return
    printed = printed_from(seen["printed"])
    raise CheckFailed(
        f"{call} took {seconds:.1f} s of virtual time; running every square at once takes "
        "3.0 s (the grader's own square ran in yours: 3 s each, and no error for 7).",
        expected="3.0 s: all the squares sleep their 3 s at the same time",
        actual=f"{seconds:.1f} s",
        advice="start all the squares before waiting for any of them: hand them all to one "
        "asyncio.gather(...) (or create a task for each first, then await them). "
        "`await square(x)` in a loop runs them one after another; a limit on how many run at "
        "once holds the rest back." if seconds > SQUARE_SECONDS else too_fast_advice(),
        timeline=side_by_side(call, printed[:40], "All at once",
                              squares_timeline(list(range(min(n, 20))))),
    )


# Input space of list_squares_with_executor(n): any n >= 1; 7 goes to blocking_square only when
# n > 7. Drawn from the same strata as list_squares' results.
def executor_scenarios(rng: Any) -> list[Scenario]:
    return sampled_by(lambda r: [
        {"call": call_text("list_squares_with_executor", n), "n": n, "size": n}
        for n in sizes(r, RESULT_STRATA)])(rng)


def judge_executor(scenario: Scenario, seen: dict[str, Any]) -> None:
    n, call = scenario["n"], scenario["call"]
    problems = result_problems(seen["value"], n, failing=())
    if problems:
        raise CheckFailed(
            f"{call} gave the wrong results.",
            expected=expected_squares(n, failing=()),
            actual=shown(seen["value"]),
            details="\n".join(problems),
            advice="square 7 with blocking_square (which has no trouble with 7) in a worker "
            "thread, every other number with square, and keep the results in order.",
        )
    sevens, others = as_list(seen["sevens"]) or [], as_list(seen["others"]) or []
    wanted_others = [x for x in range(n) if x != 7]
    if sevens != ([7] if n > 7 else []) or sorted(others, key=repr) != sorted(
            wanted_others, key=repr):
        wanted = "blocking_square(7) once, and square(x) for every other x" if n > 7 else (
            f"square(x) for every x in 0..{n - 1} (there is no 7 to hand to a thread)")
        raise CheckFailed(
            f"{call} did not share the work as asked.",
            expected=wanted,
            actual=f"blocking_square called for {sevens[:10]}, square for {sorted(others)[:20]}",
            advice="only 7 goes to blocking_square; every other number goes to square.",
        )


def judge_squares_with_seven(scenario: Scenario, seen: dict[str, Any]) -> None:
    judge_squares(scenario, seen, failing=(7,))
