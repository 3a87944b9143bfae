"""Exercise 03: coroutines run by hand, with send(), manual_sleep and a tiny scheduler.

No event loop here. The scheduler gets the grader's FakeClock, whose time moves only when the
scheduler sleeps, so the tutorial's 3 s sleeps cost nothing and every duration is exact. time.sleep
itself is replaced by a recorder during every check: calling it is a mistake at this step, and it
must never make the grader wait.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

from graders.capture import PrintedLine, recording_stdout
from graders.checks import CheckFailed, Suite
from graders.context import CheckContext, fail_on_blocking_calls
from graders.plain import plainly_equal
from graders.timeline import side_by_side
from graders.tracing import Step, compare_traces, require_coroutine, trace
from graders.vtime import ClockPolledTooOften, FakeClock

SUITE = Suite()


@contextlib.contextmanager
def time_sleep_recorded() -> Iterator[list[float]]:
    """time.sleep returns at once and notes its argument, for as long as this lasts."""
    calls: list[float] = []
    real_sleep = time.sleep
    time.sleep = calls.append  # type: ignore[assignment]
    try:
        yield calls
    finally:
        time.sleep = real_sleep


@contextlib.contextmanager
def closing_all(coros: list) -> Iterator[None]:
    """Close the coroutines the grader made, so that those the student's code never ran do not
    raise "never awaited" warnings that would blame the student for the grader's leftovers."""
    try:
        yield
    finally:
        for coro in coros:
            with contextlib.suppress(Exception):
                coro.close()


def square_steps(x: int) -> list[Step]:
    return [
        Step("print", f"Starting square with argument {x}!"),
        Step("yield", 3),
        Step("print", f"Finishing square with argument {x}!"),
        Step("return", x * x),
    ]


def cube_steps(x: int) -> list[Step]:
    square = square_steps(x)[:-1]
    return [
        Step("print", f"Starting cube with argument {x}!"),
        Step("yield", 3),
        *square,
        Step("print", f"Finishing cube with argument {x}!"),
        Step("return", x**3),
    ]


def traced(ctx: CheckContext, name: str, argument: int) -> list[Step]:
    call = f"{name}({argument})"
    function = ctx.function(name)
    coroutine = require_coroutine(ctx.call(call, lambda: function(argument)), call)
    with time_sleep_recorded():
        return ctx.call(f"driving {call}", lambda: trace(coroutine, call))


@SUITE.check("manual_sleep yields its delay exactly once", points=1, tags=("results",))
def manual_sleep_yields_delay(ctx: CheckContext) -> None:
    manual_sleep = ctx.function("manual_sleep")

    async def awaits_it() -> str:
        await manual_sleep(2.5)
        return "resumed"

    steps = ctx.call("awaiting manual_sleep(2.5)", lambda: trace(awaits_it(), "manual_sleep(2.5)"))
    compare_traces(
        "a coroutine that awaits manual_sleep(2.5) and then returns 'resumed'",
        [Step("yield", 2.5), Step("return", "resumed")],
        steps,
        advice="manual_sleep(n) must hand n to the driver with one `yield n`, then let the "
        "awaiting coroutine go on.",
    )


@SUITE.check("square prints, sleeps 3 s by hand and returns x * x", points=1, tags=("results",))
def square_by_hand(ctx: CheckContext) -> None:
    compare_traces(
        "square(4)", square_steps(4), traced(ctx, "square", 4),
        advice="print the start line, `await manual_sleep(3)`, print the finish line, "
        "return the square; check the exact wording of the lines.",
    )


@SUITE.check("cube awaits square and returns x ** 3", points=1, tags=("results",))
def cube_by_hand(ctx: CheckContext) -> None:
    compare_traces(
        "cube(5)", cube_steps(5), traced(ctx, "cube", 5),
        advice="cube sleeps 3 s by hand itself, then awaits square(x) (await hands square's "
        "sleep up to the driver too) and multiplies x by what square returned.",
    )


@SUITE.check("run_by_hand drives a coroutine to its result", points=1.5, tags=("results",))
def run_by_hand_returns_result(ctx: CheckContext) -> None:
    run_by_hand = ctx.function("run_by_hand")
    fake = FakeClock()
    coroutine = waits([1, 2.5], "done")
    with closing_all([coroutine]):
        result = ctx.call("run_by_hand(grader_coroutine, sleep=fake_sleep)",
                          lambda: run_by_hand(coroutine, sleep=fake.sleep))
    if not plainly_equal(result, "done") or fake.sleeps != [1, 2.5]:
        raise CheckFailed(
            "run_by_hand did not drive a coroutine that waits 1 s, then 2.5 s, then returns "
            "'done'.",
            expected="it returns 'done' after calling sleep(1) and sleep(2.5), in that order",
            actual=f"it returned {result!r} after calling sleep with {fake.sleeps}",
            advice="send(None) until StopIteration; each value sent back out is a delay to pass "
            "to the `sleep` argument; the result is StopIteration's `value`.",
        )
    cube_fake = FakeClock()
    cube = ctx.function("cube")
    coroutine = cube(2)
    with closing_all([coroutine]):
        result = ctx.call("run_by_hand(cube(2), sleep=fake_sleep)",
                          lambda: run_by_hand(coroutine, sleep=cube_fake.sleep))
    if not plainly_equal(result, 8) or cube_fake.sleeps != [3, 3]:
        raise CheckFailed(
            "run_by_hand(cube(2)) did not give cube's result after its two sleeps.",
            expected="8, after sleep(3) and sleep(3)",
            actual=f"{result!r}, after sleeps {cube_fake.sleeps}",
        )


class Wait:
    """The grader's own awaitable, like manual_sleep, so the scheduler is checked on its own."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __await__(self) -> Iterator[float]:
        yield self.seconds


async def waits(delays: list[float], result: Any, log: list | None = None,
                clock: FakeClock | None = None, name: str = "") -> Any:
    """A coroutine that waits each delay in turn, noting when it was resumed, and returns."""
    for delay in delays:
        if log is not None and clock is not None:
            log.append((name, clock.now))
        await Wait(delay)
    if log is not None and clock is not None:
        log.append((name, clock.now))
    return result


def scheduled(ctx: CheckContext, call: str, make_coros: Any) -> tuple[list, FakeClock,
                                                                      list[PrintedLine]]:
    run_concurrently = ctx.function("run_concurrently")
    fake = FakeClock()
    coros = make_coros(fake)
    with time_sleep_recorded(), recording_stdout(clock=lambda: fake.now) as printed, \
            closing_all(coros):
        try:
            results = ctx.call(call, lambda: run_concurrently(*coros, clock=fake.clock,
                                                              sleep=fake.sleep))
        except CheckFailed as failure:
            if isinstance(failure.__cause__, ClockPolledTooOften):
                raise CheckFailed(
                    f"{call} kept reading the clock without ever sleeping.",
                    actual=str(failure.__cause__),
                    advice="when no coroutine is due yet, call sleep() for the time until the "
                    "first one is due: a scheduler that spins on the clock wastes a whole CPU.",
                ) from None
            raise
    return results, fake, printed.lines


@SUITE.check("run_concurrently gives results in argument order", points=1.5, tags=("results",))
def results_in_argument_order(ctx: CheckContext) -> None:
    cube, square = ctx.function("cube"), ctx.function("square")
    call = "run_concurrently(cube(10), square(2), cube(5))"
    results, _, _ = scheduled(ctx, call, lambda fake: [cube(10), square(2), cube(5)])
    if not plainly_equal(results, [1000, 4, 125]):
        raise CheckFailed(
            f"{call} gave the wrong results.",
            expected="[1000, 4, 125], one result per coroutine, in the order they were given",
            actual=repr(results),
            advice="the coroutines finish in another order than they were given (square(2) "
            "first): keep each result at its coroutine's position.",
        )
    empty, _, _ = scheduled(ctx, "run_concurrently()", lambda fake: [])
    if not plainly_equal(empty, []):
        raise CheckFailed("run_concurrently() with no coroutines should return [].",
                          actual=repr(empty))


@SUITE.check("run_concurrently overlaps sleeps", points=2, tags=("timing",))
def overlaps_sleeps(ctx: CheckContext) -> None:
    cube = ctx.function("cube")
    call = "run_concurrently(cube(5), cube(10))"
    results, fake, printed = scheduled(ctx, call, lambda fake: [cube(5), cube(10)])
    if not plainly_equal(results, [125, 1000]):
        raise CheckFailed(f"{call} gave the wrong results.", expected="[125, 1000]",
                          actual=repr(results))
    if fake.now != 6:
        ctx.timeline = side_by_side("Your scheduler", printed,
                                    "Overlapping sleeps", reference_cubes_timeline())
        raise CheckFailed(
            f"cube(5) and cube(10) took {fake.now:g} s of clock; concurrent code takes 6 s.",
            expected="6 s: each cube sleeps 3 s then 3 s more in square, and the two cubes "
            "sleep at the same time",
            actual=f"{fake.now:g} s, sleeping {fake.sleeps}",
            advice="sleep only until the earliest wake-up time among all waiting coroutines, "
            "then resume that one; never sleep a coroutine's whole delay while others wait."
            if fake.now > 6 else
            "time only passes through the `sleep` you were given: call it when no coroutine is "
            "due yet.",
        )


def reference_cubes_timeline() -> list[PrintedLine]:
    lines = [(0, "Starting cube with argument 5!"), (0, "Starting cube with argument 10!"),
             (3, "Starting square with argument 5!"), (3, "Starting square with argument 10!"),
             (6, "Finishing square with argument 5!"), (6, "Finishing cube with argument 5!"),
             (6, "Finishing square with argument 10!"), (6, "Finishing cube with argument 10!")]
    return [PrintedLine(text, float(at)) for at, text in lines]


@SUITE.check("run_concurrently resumes the coroutine due first", points=1, tags=("timing",))
def resumes_earliest_first(ctx: CheckContext) -> None:
    log: list[tuple[str, float]] = []
    plans = {"a": [5, 1], "b": [2, 2, 2], "c": [0.5]}
    call = "run_concurrently(a, b, c)"
    results, fake, _ = scheduled(
        ctx, call,
        lambda fake: [waits(delays, name, log, fake, name) for name, delays in plans.items()],
    )
    expected = {"a": [0, 5, 6], "b": [0, 2, 4, 6], "c": [0, 0.5]}
    actual = {name: [at for who, at in log if who == name] for name in plans}
    if not plainly_equal(results, ["a", "b", "c"]) or actual != expected or fake.now != 6:
        raise CheckFailed(
            "Three coroutines that wait [5, 1], [2, 2, 2] and [0.5] seconds were not each "
            "resumed when due.",
            expected=_describe_resumes(expected) + "\nin all 6 s, results ['a', 'b', 'c']",
            actual=_describe_resumes(actual) + f"\nin all {fake.now:g} s, results {results!r}",
            advice="keep every coroutine's wake-up time (the clock when it yielded plus its "
            "delay) and always resume the smallest one next.",
        )


def _describe_resumes(times: dict[str, list[float]]) -> str:
    return "\n".join(f"{name} resumed at {', '.join(f'{t:g}' for t in at)} s"
                     for name, at in times.items())


@SUITE.check("coroutines wait through their driver, never with time.sleep", points=1,
             tags=("blocking",))
def never_time_sleep(ctx: CheckContext) -> None:
    found = ctx.static_blocking_calls()
    fail_on_blocking_calls(
        found,
        summary="A coroutine of yours waits with a blocking call instead of yielding.",
        step_lesson="A coroutine that calls time.sleep keeps control while it waits: whoever "
        "drives it cannot run anything else meanwhile.",
        advice="`await manual_sleep(n)` hands the wait to the driver, which can run other "
        "coroutines meanwhile.",
    )
    square, cube = ctx.function("square"), ctx.function("cube")
    run_concurrently = ctx.function("run_concurrently")
    run_by_hand = ctx.function("run_by_hand")
    fake = FakeClock()
    coros = [square(1), cube(2), cube(3)]
    with time_sleep_recorded() as slept, closing_all(coros):
        ctx.call("run_concurrently(square(1), cube(2))",
                 lambda: run_concurrently(*coros[:2], clock=fake.clock, sleep=fake.sleep))
        ctx.call("run_by_hand(cube(3))", lambda: run_by_hand(coros[2], sleep=fake.sleep))
    if slept:
        raise CheckFailed(
            "Your code called time.sleep itself while it drove square and cube.",
            expected="every wait goes through the `sleep` argument the driver was given",
            actual=f"time.sleep was called with {slept}",
            advice="coroutines `await manual_sleep(n)`; the scheduler calls its `sleep` "
            "argument, never time.sleep directly.",
        )
