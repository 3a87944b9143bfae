"""Exercise 03: coroutines run by hand, with send(), manual_sleep and a tiny scheduler.

No event loop here. The scheduler gets the grader's FakeClock, whose time moves only when the
scheduler sleeps, so the tutorial's 3 s sleeps cost nothing and every duration is exact. time.sleep
itself is replaced by a recorder during every check: calling it is a mistake at this step, and it
must never make the grader wait.
"""

from __future__ import annotations

import contextlib
import inspect
import types
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any

from graders.kit import (
    NOTHING_ELSE_OF_YOURS,
    CheckContext,
    CheckFailed,
    ClockPolledTooOften,
    FakeClock,
    PrintedLine,
    Ran,
    Step,
    Suite,
    Timeline,
    TimeSleepCall,
    compare_traces,
    fail_on_blocking_calls,
    gantt_side_by_side,
    plainly_equal,
    require_coroutine,
    run_student,
    trace,
)

SUITE = Suite()


def describe_time_sleeps(calls: list[TimeSleepCall]) -> str:
    """The places that called time.sleep, each once, or the arguments when no place is known."""
    places = list(dict.fromkeys(call.where for call in calls if call.where))
    if places:
        return "\n".join(f"  {place}" for place in places)
    return f"  time.sleep was called with {[call.seconds for call in calls]}"


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


WHY_TIME_SLEEP = (
    "A coroutine that calls time.sleep keeps control while it waits: whoever drives it cannot run "
    "anything else meanwhile, so nothing can overlap."
)


def driven(ctx: CheckContext, call: str, drive: Callable[[], Any], **options: Any) -> Ran:
    """Call `drive()`, the student's code driving coroutines by hand, with time.sleep disarmed
    and noted (`options` go to run_student)."""
    return run_student(ctx, call, drive, virtual=False, disarm_sleep=True, **options)


def traced(ctx: CheckContext, name: str, argument: int) -> list[Step]:
    call = f"{name}({argument})"
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


@SUITE.check(
    "manual_sleep yields its delay exactly once", points=1, tags=("results",),
    why="Everything in this exercise rests on it: a coroutine pauses by yielding, and what it "
    "yields tells its driver how long it wants to wait.",
)
def manual_sleep_yields_delay(ctx: CheckContext) -> None:
    manual_sleep = ctx.function("manual_sleep")
    made = ctx.call("manual_sleep(2.5)", lambda: manual_sleep(2.5))
    with closing_all([made]):
        if not (inspect.isawaitable(made) or inspect.isgenerator(made)
                or inspect.isasyncgen(made)):
            raise CheckFailed(
                f"manual_sleep(2.5) gave {made!r}, which cannot be awaited: it ran to its end "
                "at once instead of making something that pauses.",
                expected="something to await, that yields 2.5 once to whoever drives it",
                actual=repr(made),
                advice="@types.coroutine makes a generator function awaitable, and a function "
                "is a generator function only when its body contains `yield`: yield the delay "
                "rather than return it.",
            )

    async def awaits_it() -> str:
        await manual_sleep(2.5)
        return "resumed"

    steps = driven(ctx, "awaiting manual_sleep(2.5)",
                   lambda: trace(awaits_it(), "manual_sleep(2.5)")).value
    compare_traces(
        "a coroutine that awaits manual_sleep(2.5) and then returns 'resumed'",
        [Step("yield", 2.5), Step("return", "resumed")],
        steps,
        advice="manual_sleep(n) must hand n to the driver with one `yield n`, then let the "
        "awaiting coroutine go on.",
    )


@SUITE.check(
    "square prints, sleeps 3 s by hand and returns x * x", points=1, tags=("results",),
    why="square is what the schedulers below drive: it must pause at its sleep, by yielding 3, "
    "so that its driver can run other coroutines meanwhile.",
    needs=("manual_sleep_yields_delay",),
)
def square_by_hand(ctx: CheckContext) -> None:
    compare_traces(
        "square(4)", square_steps(4), traced(ctx, "square", 4),
        advice="compare your steps with the expected ones from the top: the first one marked "
        "is where yours part from the README's square (its lines, its one wait, its result).",
    )


@SUITE.check(
    "cube awaits square and returns x ** 3", points=1, tags=("results",),
    why="`await` passes every yield of square straight through to the driver: that is how a "
    "coroutine pauses deep inside the coroutines it awaits.",
    needs=("square_by_hand",),
)
def cube_by_hand(ctx: CheckContext) -> None:
    steps = traced(ctx, "cube", 5)
    if not awaited_square(steps):
        raise CheckFailed(
            "Driven by hand, cube(5) never ran square: none of its steps is square's (no "
            "square line printed, one wait only), so cube made the square itself.",
            expected="\n".join(step.describe() for step in cube_steps(5)),
            actual="\n".join(step.describe() for step in steps) or "nothing at all",
            advice="cube must await square(x) for its square: the point of this step is that "
            "square's wait passes through cube to the driver.",
        )
    compare_traces(
        "cube(5)", cube_steps(5), steps,
        advice="compare your steps with the expected ones from the top: the first one marked "
        "is where yours part from the README's cube, which awaits square in the middle.",
    )


def awaited_square(steps: list[Step]) -> bool:
    """Whether a trace of cube shows square at work: a line of square's, or a second wait."""
    printed_square = any(step.kind == "print" and "square" in str(step.value) for step in steps)
    return printed_square or sum(step.kind == "yield" for step in steps) >= 2


@SUITE.check(
    "run_by_hand drives a coroutine to its result", points=1.5, tags=("results",),
    why="run_by_hand is the smallest event loop there is: send, take the delay, wait, repeat. "
    "asyncio does the same for every coroutine it runs.",
    needs=("cube_by_hand",),
)
def run_by_hand_returns_result(ctx: CheckContext) -> None:
    run_by_hand = ctx.function("run_by_hand")
    fake = FakeClock()
    coroutine = waits([1, 2.5], "done")
    with closing_all([coroutine]):
        ran = driven(ctx, "run_by_hand(nap_then_done(), sleep=pretend_sleep)",
                     lambda: run_by_hand(coroutine, sleep=fake.sleep))
    result, slept = ran.value, ran.slept
    if not plainly_equal(result, "done") or fake.sleeps != [1, 2.5]:
        summary = ("run_by_hand did not drive nap_then_done(), the grader's own coroutine that "
                   f"waits 1 s, then 2.5 s, then returns 'done' ({NOTHING_ELSE_OF_YOURS}).")
        if slept:
            summary += (" It called time.sleep instead of the sleep it was given:\n"
                        + describe_time_sleeps(slept))
        raise CheckFailed(
            summary,
            expected="it returns 'done' after calling sleep(1) and sleep(2.5), in that order",
            actual=f"it returned {result!r} after calling sleep with {fake.sleeps}",
            advice="send(None) until StopIteration; pass each value the coroutine yields to the "
            "`sleep` argument (never time.sleep: the caller chooses how to wait); the result is "
            "StopIteration's `value`.",
        )
    cube_fake = FakeClock()
    cube = ctx.function("cube")
    coroutine = cube(2)
    with closing_all([coroutine]):
        ran = driven(ctx, "run_by_hand(cube(2), sleep=pretend_sleep)",
                     lambda: run_by_hand(coroutine, sleep=cube_fake.sleep))
    result, slept = ran.value, ran.slept
    if not plainly_equal(result, 8) or cube_fake.sleeps != [3, 3]:
        raise CheckFailed(
            "run_by_hand(cube(2)) did not give cube's result after its two sleeps."
            + (" Your code called time.sleep itself:\n" + describe_time_sleeps(slept)
               if slept else ""),
            expected="8, after sleep(3) and sleep(3)",
            actual=f"{result!r}, after sleeps {cube_fake.sleeps}",
            advice="every wait of cube and square must reach run_by_hand as a yielded delay.",
        )


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
# it asked, and when it was ready but not resumed. The timeline of a failure is drawn from that.


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


async def observed(row: str, inner: Any, fake: FakeClock, timeline: Timeline,
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

    def sleep_calls(self) -> list[tuple[float, float]]:
        """(clock when it slept, seconds slept), for every sleep the scheduler asked for."""
        calls, now = [], 0.0
        for seconds in self.fake.sleeps:
            calls.append((now, seconds))
            now += seconds
        return calls


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
    coros = [observed(row, coro, fake, timeline, fake.now) for row, coro in named]
    with closing_all([*coros, *(coro for _, coro in named)]):
        ran = run_scheduler(
            ctx, call, lambda: run_concurrently(*coros, clock=fake.clock, sleep=fake.sleep),
            record_clock_reads=True, clock=lambda: fake.now)
    return Scheduled(ran.value, fake, ran.printed, timeline, ran.slept, ran.clock_reads)


def planned_timeline(title: str, plans: dict[str, list[float]]) -> Timeline:
    """What a right scheduler does: every row starts at 0 and waits its delays back to back."""
    timeline = Timeline(title)
    for row, delays in plans.items():
        now = 0.0
        timeline.add_run(row, now)
        for delay in delays:
            timeline.add_wait(row, now, now + delay)
            now += delay
            timeline.add_run(row, now)
    return timeline


def early_resume(timeline: Timeline) -> str:
    """The first coroutine resumed before its wake-up time, in words."""
    early = timeline.early_spans()
    if not early:
        return "Your scheduler resumed coroutines before their wake-up times."
    span = early[0]
    return (f"Your scheduler resumed {span.row} at {span.start:g} s of its clock, before its "
            f"wake-up time at {span.end:g} s: it did not wait as long as the coroutine asked.")


def distinct_seconds(*values: float) -> list[str]:
    """The values with as few digits as tell apart those that differ (2.9999999999999996 is not
    3), and at least as many as :g gives."""
    for digits in range(6, 18):
        shown = [f"{value:.{digits}g}" for value in values]
        if len(set(shown)) == len(set(values)):
            return shown
    return [repr(value) for value in values]


SLEEPS_SHOWN = 8
"""More sleeps than this are summed up: a list of dozens says less than its count and range."""


def describe_sleeps(sleeps: list[float]) -> str:
    """The scheduler's calls of sleep, listed when they are few, summed up when many."""
    if len(sleeps) <= SLEEPS_SHOWN:
        return f"sleep called with {sleeps}"
    each = (f"{min(sleeps):g} s each" if min(sleeps) == max(sleeps)
            else f"from {min(sleeps):g} s to {max(sleeps):g} s at a time")
    return f"sleep called {len(sleeps)} times, {each}, {sum(sleeps):g} s in all"


def diagnose(run: Scheduled, right_seconds: float) -> tuple[str, str]:
    """What went wrong with the timing of a run, in words, and what to try."""
    timeline = run.timeline
    if run.real_clock:
        return ("Your scheduler read the real clock instead of the `clock` it was given, so its "
                "wake-up times and the time it really had to wait disagree:\n"
                + "\n".join(f"  {place}" for place in run.real_clock),
                "call the `clock` argument (clock()) wherever you need the time now, never "
                "time.monotonic() or time.time() directly: the caller chooses the clock.")
    if run.fake.now < right_seconds:
        if run.slept:
            return ("Your coroutines waited with time.sleep instead of yielding, so the "
                    "scheduler's clock never saw those waits:\n"
                    + describe_time_sleeps(run.slept),
                    "wait with `await manual_sleep(n)` in coroutines; time passes only through "
                    "the `sleep` the scheduler was given.")
        return (early_resume(timeline),
                "a coroutine that asked to wait must not be resumed before its wake-up time: "
                "look at how your scheduler decides that a coroutine is due, and what it does "
                "while none is.")
    if timeline.ran_one_after_another():
        first, second = timeline.rows[:2]
        return (f"They ran one after another: {second} started only at "
                f"{timeline.lifetime(second)[0]:g} s, once {first} had finished.",
                "look at when each coroutine gets its first send(): a coroutine not yet "
                "started cannot wait alongside the others.")
    late = timeline.late_spans()
    if late:
        span = late[0]
        at, seconds = next(
            ((at, seconds) for at, seconds in reversed(run.sleep_calls()) if at <= span.start),
            (span.start, span.end - span.start),
        )
        unstarted = timeline.lifetime(span.row)[0] == span.end and span.start == 0
        at_s, due_s, end_s = distinct_seconds(at, span.start, span.end)
        drift = (f" ({span.end - span.start:.1g} s late: steps of floats add up with rounding, "
                 "so a clock moved in fixed steps lands beside a wake-up time, not on it)"
                 if span.end - span.start < 1e-6 else "")
        return (f"At {at_s} s your scheduler slept {seconds:g} s, though {span.row} was due at "
                f"{due_s} s{', before it had even started' if unstarted else ''}: it "
                f"was resumed only at {end_s} s{drift}.",
                "sleep only for the time left until the earliest wake-up time among all "
                "coroutines (that time minus clock()), never a whole delay while another "
                "coroutine is due sooner.")
    return ("", "keep every coroutine's wake-up time and always resume the smallest one next.")


@SUITE.check(
    "run_concurrently gives results in argument order", points=1.5, tags=("results",),
    why="Whoever calls a scheduler needs each result matched to its coroutine, whatever order "
    "they finish in (asyncio.gather does the same).",
    needs=("cube_by_hand",),
)
def results_in_argument_order(ctx: CheckContext) -> None:
    cube, square = ctx.function("cube"), ctx.function("square")
    call = "run_concurrently(cube(10), square(2), cube(5))"
    run = scheduled(ctx, call, lambda: [
        ("cube(10)", cube(10)), ("square(2)", square(2)), ("cube(5)", cube(5)),
    ])
    if isinstance(run.results, tuple) and same_results(run.results, [1000, 4, 125]):
        raise CheckFailed(
            f"{call} gave the right results in the right order, but as a tuple.",
            expected="[1000, 4, 125]: a list, as asyncio.gather gives",
            actual=repr(run.results),
            advice="return a list.",
        )
    if not plainly_equal(run.results, [1000, 4, 125]):
        raise CheckFailed(
            f"{call} gave the wrong results.",
            expected="[1000, 4, 125], one result per coroutine, in the order they were given",
            actual=repr(run.results),
            advice="the coroutines finish in another order than they were given (square(2) "
            "first): keep each result at its coroutine's position.",
        )
    empty = scheduled(ctx, "run_concurrently()", lambda: [])
    if not plainly_equal(empty.results, []):
        raise CheckFailed("run_concurrently() with no coroutines should return [].",
                          expected="[]", actual=repr(empty.results),
                          advice="with nothing to run, return an empty list at once.")


def same_results(results: Any, expected: list[Any]) -> bool:
    """The expected results, in order, in a list or a tuple: the timing checks judge timing, and
    leave a tuple to the check of results."""
    if isinstance(results, tuple):
        results = list(results)
    return plainly_equal(results, expected)


CUBES_TOGETHER = 6.0
LIKE_CUBES = {"like cube(5)": ([3, 3], 125), "like cube(10)": ([3, 3], 1000)}
"""The overlap check's coroutines, the grader's own, each waiting as cube does (3 s, then 3 s in
square): its verdict holds on its own, whatever the student's cube and square do (a square that
waits with time.sleep would make a one-after-another scheduler look right)."""


@SUITE.check(
    "run_concurrently overlaps sleeps", points=2, tags=("timing",),
    why="This is the point of coroutines: while one waits, the scheduler runs another, so two "
    "cubes of 6 s each take 6 s together, not 12.",
)
def overlaps_sleeps(ctx: CheckContext) -> None:
    call = "run_concurrently(a, b)"
    run = scheduled(ctx, call, lambda: [(row, waits(delays, result))
                                        for row, (delays, result) in LIKE_CUBES.items()])
    if not same_results(run.results, [125, 1000]):
        raise CheckFailed(f"{call} gave the wrong results.", expected="[125, 1000]",
                          actual=repr(run.results),
                          details="a and b are coroutines of the grader's that wait as cube(5) "
                          "and cube(10) do, and return 125 and 1000.")
    if run.fake.now != CUBES_TOGETHER:
        expected = planned_timeline("Overlapping", {row: delays
                                                    for row, (delays, _) in LIKE_CUBES.items()})
        ctx.timeline = gantt_side_by_side(run.timeline, expected)
        what, advice = diagnose(run, CUBES_TOGETHER)
        raise CheckFailed(
            "Two coroutines that wait as cube(5) and cube(10) do (3 s, then 3 s more) took "
            f"{run.fake.now:g} s of your scheduler's clock; overlapping, they take "
            f"{CUBES_TOGETHER:g} s. {what}".rstrip(),
            expected="6 s: each waits 3 s twice, and the two wait at the same time",
            actual=f"{distinct_seconds(run.fake.now)[0]} s, with "
            f"{describe_sleeps(run.fake.sleeps)}",
            advice=advice,
        )


DUE_FIRST_PLANS: tuple[dict[str, list[float]], ...] = (
    {"a": [5, 1], "b": [2, 2, 2], "c": [0.5]},
    {"a": [0.3], "b": [1.7, 0.3]},
    {"a": [2.05, 1], "b": [1, 1.05], "c": [0]},
    {"a": [1.7], "b": [0.3, 0.3, 0.3], "c": [1.7], "d": [0, 0.1]},
    {"a": [4.2], "b": [0.9, 0.9], "c": [3.3, 0.3], "d": [0.01, 2.2], "e": [1.3, 1.3, 1.3]},
)
"""The coroutines resumes_earliest_first hands the scheduler: each plan is the delays each of
the grader's coroutines waits in turn. The contract allows any number of coroutines, any delays
of zero or more seconds, in any order, ties included: a right scheduler resumes each when due and
takes as long as the longest plan. Sampled with a fixed table so that no verdict changes between
runs: the tutorial-like plan first (its message is the one most learners read), then odd delays
(0.3, 1.7, 2.05, 0.01), ties (two coroutines due at 2.05 s, at 1.7 s), zero delays, more
coroutines in other orders. A scheduler that polls every half second is right on the first plan
only. Judged on the fake clock, within a float's rounding (RESUME_TOLERANCE)."""
RESUME_TOLERANCE = 1e-6
"""Seconds by which a resume time may differ from the model's: a right scheduler's sums of
delays round differently from the model's (0.3 + 1.7 against 2.0)."""


@SUITE.check(
    "run_concurrently resumes the coroutine due first", points=1, tags=("timing",),
    why="A coroutine resumed late waits longer than it asked; one resumed early has its sleep "
    "cut short. Either way the program's timing is wrong.",
)
def resumes_earliest_first(ctx: CheckContext) -> None:
    for plans in DUE_FIRST_PLANS:  # the first failing plan is the one shown
        resumed_when_due(ctx, plans)


def resumed_when_due(ctx: CheckContext, plans: dict[str, list[float]]) -> None:
    names = ", ".join(plans)
    call = f"run_concurrently({names})"
    run = scheduled(ctx, call,
                    lambda: [(name, waits(delays, name)) for name, delays in plans.items()])
    expected = planned_timeline("Each resumed when due", plans)
    resumed, right = _resume_times(run.timeline), _resume_times(expected)
    total = max(sum(delays) for delays in plans.values())
    if _same_times(resumed, right) and abs(run.fake.now - total) <= RESUME_TOLERANCE:
        return  # the results, and their order, are the check of results' to judge: one charge
    ctx.timeline = gantt_side_by_side(run.timeline, expected)
    what, advice = diagnose(run, total)
    waited = [f"{delays}" for delays in plans.values()]
    count = NUMBER_WORDS.get(len(plans), str(len(plans)))
    raise CheckFailed(
        f"{call}: its {count} coroutines, which wait {', '.join(waited[:-1])} and "
        f"{waited[-1]} seconds, were not each resumed when due. {what}".rstrip(),
        expected=_describe_resumes(right) + f"\nin all {total:g} s",
        actual=_describe_resumes(resumed) + f"\nin all {run.fake.now:g} s",
        details=f"{', '.join(plans)} are coroutines of the grader's, each waiting its delays "
        "in turn (like `await manual_sleep(d)` for each d) and returning its own name.",
        advice=advice,
    )


NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}


def _same_times(ours: dict[str, list[float]], right: dict[str, list[float]]) -> bool:
    return ours.keys() == right.keys() and all(
        len(ours[row]) == len(right[row])
        and all(abs(a - b) <= RESUME_TOLERANCE for a, b in zip(ours[row], right[row], strict=True))
        for row in right)


def _resume_times(timeline: Timeline) -> dict[str, list[float]]:
    return {row: sorted({s.start for s in timeline.spans if s.row == row and s.state == "run"})
            for row in timeline.rows}


def _describe_resumes(times: dict[str, list[float]]) -> str:
    return "\n".join(f"{name} resumed at {', '.join(f'{t:g}' for t in at)} s"
                     for name, at in times.items())


@SUITE.check(
    "coroutines wait through their driver, never with time.sleep", points=1, tags=("blocking",),
    why=WHY_TIME_SLEEP,
)
def never_time_sleep(ctx: CheckContext) -> None:
    found = ctx.static_blocking_calls()
    fail_on_blocking_calls(
        found,
        summary="A coroutine of yours waits with a blocking call instead of yielding.",
        step_lesson=WHY_TIME_SLEEP,
        advice="`await manual_sleep(n)` hands the wait to the driver, which can run other "
        "coroutines meanwhile.",
    )
    square, cube = ctx.function("square"), ctx.function("cube")
    run_concurrently = ctx.function("run_concurrently")
    run_by_hand = ctx.function("run_by_hand")
    fake = FakeClock()
    coros = [square(1), cube(2), cube(3)]
    with closing_all(coros):
        slept = run_scheduler(
            ctx, "run_concurrently(square(1), cube(2))",
            lambda: run_concurrently(*coros[:2], clock=fake.clock, sleep=fake.sleep)).slept
        slept += driven(ctx, "run_by_hand(cube(3))",
                        lambda: run_by_hand(coros[2], sleep=fake.sleep)).slept
    if slept:
        raise CheckFailed(
            "Your code called time.sleep itself while it drove square and cube:\n"
            + describe_time_sleeps(slept),
            expected="every wait goes through the `sleep` argument the driver was given",
            actual=f"time.sleep was called with {[call.seconds for call in slept]}",
            why="The caller of a driver chooses how time passes (here, a pretend clock): a "
            "driver that calls time.sleep itself ignores that choice.",
            advice="coroutines `await manual_sleep(n)`; the scheduler calls its `sleep` "
            "argument, never time.sleep directly.",
        )
