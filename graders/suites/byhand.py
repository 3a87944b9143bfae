"""Exercise 03: coroutines run by hand, with send(), manual_sleep and a tiny scheduler.

No event loop here. The scheduler gets the grader's FakeClock, whose time moves only when the
scheduler sleeps, so the tutorial's 3 s sleeps cost nothing and every duration is exact. time.sleep
itself is replaced by a recorder during every check: calling it is a mistake at this step, and it
must never make the grader wait.

The checks of results and timing are judged (graders/kit/scenarios.py): the parent draws their
scenarios from the input space the contract allows, and judges what this module observed against
the contract's model (graders/suites/models/byhand.py); here the student's code is only run.
"""

from __future__ import annotations

import contextlib
import inspect
import types
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any

from graders.kit import (
    CheckContext,
    CheckFailed,
    ClockPolledTooOften,
    FakeClock,
    PrintedLine,
    Ran,
    Scenario,
    Step,
    Suite,
    Timeline,
    TimeSleepCall,
    observed,
    observed_blocking,
    require_coroutine,
    run_student,
    trace,
)
from graders.suites.models.byhand import (
    WHY_TIME_SLEEP,
    by_hand_scenarios,
    cube_scenarios,
    due_first_scenarios,
    judge_by_hand,
    judge_cube,
    judge_due_first,
    judge_manual_sleep,
    judge_overlap,
    judge_results,
    judge_square,
    judge_time_sleep,
    manual_sleep_scenarios,
    observed_steps,
    overlap_scenarios,
    results_scenarios,
    square_scenarios,
    time_sleep_scenarios,
)

SUITE = Suite()


def describe_time_sleeps(calls: list[TimeSleepCall]) -> str:
    """The places that called time.sleep, each once, or the arguments when no place is known."""
    places = list(dict.fromkeys(call.where for call in calls if call.where))
    if places:
        return "\n".join(f"  {place}" for place in places)
    return f"  time.sleep was called with {[call.seconds for call in calls]}"


def time_sleep_places(calls: list[TimeSleepCall]) -> list[str]:
    """The same, as plain lines for an observation."""
    return describe_time_sleeps(calls).splitlines() if calls else []


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




def driven(ctx: CheckContext, call: str, drive: Callable[[], Any], **options: Any) -> Ran:
    """Call `drive()`, the student's code driving coroutines by hand, with time.sleep disarmed
    and noted (`options` go to run_student)."""
    return run_student(ctx, call, drive, virtual=False, disarm_sleep=True, **options)


def traced(ctx: CheckContext, name: str, argument: Any) -> list[Step]:
    call = f"{name}({argument!r})"
    function = ctx.function(name)
    coroutine = require_coroutine(ctx.call(call, lambda: function(argument)), call)
    ran = driven(ctx, f"driving {call}", lambda: trace(coroutine, call))
    steps, slept = ran.value, ran.slept
    if slept:
        raise CheckFailed(
            f"Driven by hand, {call} waited with time.sleep itself instead of yielding its delay "
            "to the driver:\n" + describe_time_sleeps(slept),
            expected="each wait yields its delay to whoever drives the coroutine, which does "
            "the waiting",
            actual="\n".join(step.describe() for step in steps),
            why=WHY_TIME_SLEEP,
            advice="wait with `await manual_sleep(n)`, which yields n to the driver.",
        )
    return steps


@SUITE.judged(
    "manual_sleep yields its delay exactly once", points=1, tags=("results",),
    sample=manual_sleep_scenarios, judge=judge_manual_sleep,
    why="Everything in this exercise rests on it: a coroutine pauses by yielding, and what it "
    "yields tells its driver how long it wants to wait.",
)
def manual_sleep_yields_delay(ctx: CheckContext, scenario: Scenario) -> Any:
    manual_sleep, n = ctx.function("manual_sleep"), scenario["n"]
    made = ctx.call(scenario["call"], lambda: manual_sleep(n))
    with closing_all([made]):
        if not (inspect.isawaitable(made) or inspect.isgenerator(made)
                or inspect.isasyncgen(made)):
            raise CheckFailed(
                f"{scenario['call']} gave {made!r}, which cannot be awaited: it ran to its end "
                "at once instead of making something that pauses.",
                expected=f"something to await, that yields {n!r} once to whoever drives it",
                actual=repr(made),
                advice="@types.coroutine makes a generator function awaitable, and a function "
                "is a generator function only when its body contains `yield`: yield the delay "
                "rather than return it.",
            )

    async def awaits_it() -> str:
        await manual_sleep(n)
        return "resumed"

    return observed_steps(driven(ctx, f"awaiting {scenario['call']}",
                                 lambda: trace(awaits_it(), scenario["call"])).value)


@SUITE.judged(
    "square prints, sleeps 3 s by hand and returns x * x", points=1, tags=("results",),
    sample=square_scenarios, judge=judge_square,
    why="square is what the schedulers below drive: it must pause at its sleep, by yielding 3, "
    "so that its driver can run other coroutines meanwhile.",
    needs=("manual_sleep_yields_delay",),
)
def square_by_hand(ctx: CheckContext, scenario: Scenario) -> Any:
    return observed_steps(traced(ctx, "square", scenario["x"]))


@SUITE.judged(
    "cube awaits square and returns x ** 3", points=1, tags=("results",),
    sample=cube_scenarios, judge=judge_cube,
    why="`await` passes every yield of square straight through to the driver: that is how a "
    "coroutine pauses deep inside the coroutines it awaits.",
    needs=("square_by_hand",),
)
def cube_by_hand(ctx: CheckContext, scenario: Scenario) -> Any:
    return observed_steps(traced(ctx, "cube", scenario["x"]))


@SUITE.judged(
    "run_by_hand drives a coroutine to its result", points=1.5, tags=("results",),
    sample=by_hand_scenarios, judge=judge_by_hand,
    why="run_by_hand is the smallest event loop there is: send, take the delay, wait, repeat. "
    "asyncio does the same for every coroutine it runs.",
    needs=("cube_by_hand",),
)
def run_by_hand_returns_result(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    run_by_hand = ctx.function("run_by_hand")
    fake = FakeClock()
    if "cube" in scenario:
        cube = ctx.function("cube")
        coroutine = ctx.call(f"cube({scenario['cube']})", lambda: cube(scenario["cube"]))
    else:
        coroutine = waits(scenario["plan"], scenario["result"])
    with closing_all([coroutine]):
        ran = driven(ctx, scenario["call"], lambda: run_by_hand(coroutine, sleep=fake.sleep))
    return {"value": observed(ran.value), "sleeps": fake.sleeps,
            "time_sleeps": time_sleep_places(ran.slept)}


class Wait:
    """The grader's own awaitable, like manual_sleep, so the scheduler is checked on its own."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __await__(self) -> Iterator[float]:
        yield self.seconds


async def waits(delays: list[float], result: Any) -> Any:
    """A coroutine that waits each delay in turn, then returns `result`."""
    for delay in delays:
        await Wait(delay)
    return result


# Scheduling: every coroutine handed to run_concurrently is wrapped in an observer, a real
# coroutine that drives it step by step and notes on the fake clock when it ran, when it waited as
# it asked, and when it was ready but not resumed. The parent judges from those notes and draws
# a failure's timeline from them.


@types.coroutine
def _drive_noting(row: str, inner: Any, fake: FakeClock, timeline: Timeline,
                  handed_at: float) -> Generator[Any, None, Any]:
    timeline.add_late(row, handed_at, fake.now)
    timeline.add_run(row, fake.now)
    while True:
        try:
            delay = inner.send(None)
        except StopIteration as finished:
            return finished.value
        asked_at = fake.now
        due = asked_at + delay if isinstance(delay, int | float) else asked_at
        try:
            yield delay
        except GeneratorExit:
            inner.close()
            raise
        timeline.add_wait(row, asked_at, min(due, fake.now))
        timeline.add_early(row, fake.now, due)
        timeline.add_late(row, due, fake.now)
        timeline.add_run(row, fake.now)


async def noted(row: str, inner: Any, fake: FakeClock, timeline: Timeline,
                handed_at: float) -> Any:
    """`inner`, driven through, with what it does noted on `timeline` from `handed_at` on."""
    return await _drive_noting(row, inner, fake, timeline, handed_at)


@dataclass
class Scheduled:
    """What one call of the student's run_concurrently did."""

    results: Any
    fake: FakeClock
    printed: list[PrintedLine]
    timeline: Timeline
    slept: list[TimeSleepCall]
    real_clock: list[str]
    """The student's lines that read the real clock instead of the `clock` given."""

    def observation(self) -> dict[str, Any]:
        """What the parent judges the run by, as plain JSON."""
        return {"results": observed(self.results), "now": self.fake.now,
                "sleeps": self.fake.sleeps[:MAX_SLEEPS_OBSERVED],
                "spans": [[s.row, s.start, s.end, s.state]
                          for s in self.timeline.spans[:MAX_SPANS_OBSERVED]],
                "time_sleeps": time_sleep_places(self.slept), "real_clock": self.real_clock}


MAX_SLEEPS_OBSERVED = 2000
"""Sleeps an observation keeps: a scheduler that polls in small steps sleeps thousands of times,
and the first ones say where it went wrong."""
MAX_SPANS_OBSERVED = 2000


def run_scheduler(ctx: CheckContext, call: str, run: Callable[[], Any], **options: Any) -> Ran:
    """Call the student's scheduler; a scheduler that spins on the clock fails with a reason."""
    ran = driven(ctx, call, run, keep_failure=True, **options)
    if isinstance(ran.error, ClockPolledTooOften):
        raise CheckFailed(
            f"{call} kept reading the clock without ever sleeping.",
            actual=str(ran.error),
            why="A scheduler that spins on the clock burns a whole CPU doing nothing, and "
            "here, where the clock is a pretend one, it never gets anywhere.",
            advice="when no coroutine is due yet, call sleep() for the time until the "
            "first one is due.",
        ) from None
    if ran.failure is not None:
        raise ran.failure
    return ran


def scheduled(ctx: CheckContext, call: str,
              make_coros: Callable[[], list[tuple[str, Any]]]) -> Scheduled:
    run_concurrently = ctx.function("run_concurrently")
    fake = FakeClock()
    timeline = Timeline("Your scheduler")
    named = make_coros()
    coros = [noted(row, coro, fake, timeline, fake.now) for row, coro in named]
    with closing_all([*coros, *(coro for _, coro in named)]):
        ran = run_scheduler(
            ctx, call, lambda: run_concurrently(*coros, clock=fake.clock, sleep=fake.sleep),
            record_clock_reads=True, clock=lambda: fake.now)
    return Scheduled(ran.value, fake, ran.printed, timeline, ran.slept, ran.clock_reads)


def scheduled_plans(ctx: CheckContext, scenario: Scenario) -> Scheduled:
    """The student's scheduler on the scenario's coroutines: the grader's, each waiting its plan
    and returning its result."""
    rows, plans, results = scenario["rows"], scenario["plans"], scenario["results"]
    return scheduled(ctx, scenario["call"], lambda: [
        (row, waits(plan, result)) for row, plan, result in zip(rows, plans, results, strict=True)])


@SUITE.judged(
    "run_concurrently gives results in argument order", points=1.5, tags=("results",),
    sample=results_scenarios, judge=judge_results,
    why="Whoever calls a scheduler needs each result matched to its coroutine, whatever order "
    "they finish in (asyncio.gather does the same).",
    needs=("cube_by_hand",),
)
def results_in_argument_order(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    if not scenario.get("tutorial"):
        return {"results": observed(scheduled_plans(ctx, scenario).results)}
    cube, square = ctx.function("cube"), ctx.function("square")
    run = scheduled(ctx, scenario["call"], lambda: [
        ("cube(10)", cube(10)), ("square(2)", square(2)), ("cube(5)", cube(5)),
    ])
    return {"results": observed(run.results)}


@SUITE.judged(
    "run_concurrently overlaps sleeps", points=2, tags=("timing",),
    sample=overlap_scenarios, judge=judge_overlap,
    why="This is the point of coroutines: while one waits, the scheduler runs another, so two "
    "cubes of 6 s each take 6 s together, not 12.",
)
def overlaps_sleeps(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return scheduled_plans(ctx, scenario).observation()


@SUITE.judged(
    "run_concurrently resumes the coroutine due first", points=1, tags=("timing",),
    sample=due_first_scenarios, judge=judge_due_first,
    why="A coroutine resumed late waits longer than it asked; one resumed early has its sleep "
    "cut short. Either way the program's timing is wrong.",
)
def resumes_earliest_first(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return scheduled_plans(ctx, scenario).observation()


@SUITE.judged(
    "coroutines wait through their driver, never with time.sleep", points=1, tags=("blocking",),
    why=WHY_TIME_SLEEP, sample=time_sleep_scenarios, judge=judge_time_sleep,
)
def never_time_sleep(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    found = ctx.static_blocking_calls()
    square, cube = ctx.function("square"), ctx.function("cube")
    run_concurrently = ctx.function("run_concurrently")
    run_by_hand = ctx.function("run_by_hand")
    a, b, c = scenario["arguments"]
    fake = FakeClock()
    coros = [square(a), cube(b), cube(c)]
    with closing_all(coros):
        slept = run_scheduler(
            ctx, f"run_concurrently(square({a}), cube({b}))",
            lambda: run_concurrently(*coros[:2], clock=fake.clock, sleep=fake.sleep)).slept
        slept += driven(ctx, f"run_by_hand(cube({c}))",
                        lambda: run_by_hand(coros[2], sleep=fake.sleep)).slept
    return {"blocking": observed_blocking(found), "not_written": [],
            "time_sleeps": time_sleep_places(slept),
            "slept": [observed(call.seconds) for call in slept][:50]}
