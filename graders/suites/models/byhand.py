"""The contract's model of exercise 03, in the parent: the scenarios its judged checks draw, and
what right code gives for each, against which the child's observations are judged
(graders/kit/scenarios.py). Nothing here runs the student's code.

The scheduler checks hand run_concurrently coroutines of the grader's, each waiting the delays of
its *plan* in turn and returning its result: `waits([0.3, 1.7], 'a')` in a call shown to the
learner is such a coroutine (it awaits the grader's own awaitable, which yields each delay as
manual_sleep does). A right scheduler resumes each coroutine when its wake-up time comes, so the
model of a run is its plans alone: every coroutine starts at 0 and is resumed at the running sums
of its delays; the run takes as long as its longest plan.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

from graders.kit import (
    NOTHING_ELSE_OF_YOURS,
    CheckFailed,
    Scenario,
    Step,
    Timeline,
    as_list,
    blocking_judge,
    compare_traces,
    gantt_side_by_side,
    observed,
    sampled_by,
    shown,
    sizes,
)
from graders.kit.timeline import Span

RESUME_TOLERANCE = 1e-6
"""Seconds by which a resume time may differ from the model's: a right scheduler's sums of
delays round differently from the model's (0.3 + 1.7 against 2.0)."""
SHOWN_PLANS = 6
"""Plans listed in a summary; more are in the details."""

# --- Drawing delays, plans and results -----------------------------------------------------------


def odd_delay(rng: random.Random, high: float = 5.0) -> float:
    """A delay in milliseconds that is no multiple of half a second (0.137, 2.351)."""
    delay = round(rng.uniform(0.001, high), 3)
    return round(delay + 0.013, 3) if (delay * 2).is_integer() else delay


def plan(rng: random.Random, length: int) -> list[float]:
    """`length` delays: odd ones, whole seconds, now and then a zero or a long one."""
    delays: list[float] = []
    for _ in range(length):
        kind = rng.random()
        if kind < 0.15:
            delays.append(0)
        elif kind < 0.3:
            delays.append(rng.randint(1, 4))
        elif kind < 0.4:
            delays.append(odd_delay(rng, 30.0))  # long among short ones
        else:
            delays.append(odd_delay(rng))
    return delays


def plans(rng: random.Random, count: int, *, longest: int = 5) -> list[list[float]]:
    """`count` plans, among them (when there are enough) one that waits nothing, two that are
    due at the same times, a zero delay, and a first coroutine that is due last, so that the
    order coroutines are due in is neither the order they start in nor their arguments'."""
    drawn = [plan(rng, rng.randint(1, longest)) for _ in range(count)]
    later = range(1, count) if count >= 3 else range(count)
    tied: list[int] = []
    if count >= 3:
        drawn[rng.randrange(1, count)][0] = 0  # due at once
    if count >= 2:
        tied = rng.sample(later, 2)
        drawn[tied[1]] = list(drawn[tied[0]])  # a tie: due at the same times
    if count >= 3:
        drawn[0] = [round(max(sum(p) for p in drawn) + odd_delay(rng, 2.0), 3)]  # due last
    if count >= 4:
        drawn[rng.choice([i for i in later if i not in tied])] = []  # nothing to wait for
    return drawn


PLAIN_RESULTS: tuple[Any, ...] = (
    0, -7, 2**70, 3.25, "", "Ünïcode ✓ spaced out", "a\nb", None, True, False,
    [1, [2, "x"]], [], "cube(5)", 125,
)
"""Results the grader's coroutines return: plain values of every kind, falsy ones too."""
FALSY_RESULTS: tuple[Any, ...] = (0, "", False, [])


def results_for(rng: random.Random, count: int) -> list[Any]:
    """`count` results, two of them equal when there are two (a scheduler that keys results by
    value loses one), and from three on a None and a falsy one (a scheduler that takes either
    for "not finished" sends to a finished coroutine)."""
    drawn = [rng.choice(PLAIN_RESULTS) for _ in range(count)]
    places = rng.sample(range(count), min(count, 4))
    if count >= 2:
        drawn[places[1]] = drawn[places[0]]
    if count >= 3:
        drawn[places[2]] = None
    if count >= 4:
        drawn[places[3]] = rng.choice(FALSY_RESULTS)
    return drawn


def names(count: int) -> list[str]:
    """Row names: a, b, ..., z, then a2, b2, ..."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [letters[i % 26] + (str(i // 26 + 1) if i >= 26 else "") for i in range(count)]


def waits_text(delays: list[float], result: Any) -> str:
    return f"waits({[round_shown(d) for d in delays]!r}, {result!r})"


def round_shown(delay: float) -> float | int:
    return int(delay) if float(delay).is_integer() else delay


def scheduler_call(plans: list[list[float]], results: list[Any]) -> str:
    inner = ", ".join(waits_text(p, r) for p, r in zip(plans, results, strict=True))
    return f"run_concurrently({inner})"


def scheduler_scenario(plans: list[list[float]], results: list[Any],
                       rows: list[str] | None = None) -> Scenario:
    return {"call": scheduler_call(plans, results), "size": len(plans), "plans": plans,
            "results": results, "rows": rows or names(len(plans))}


WAITS_DETAILS = ("waits(delays, result) is the grader's coroutine: it awaits each delay in turn, "
                 "as `await manual_sleep(d)` does, then returns result (" + NOTHING_ELSE_OF_YOURS
                 + ").")

# --- manual_sleep, square, cube ------------------------------------------------------------------

# Input space of manual_sleep(n) (the contract: an awaitable that yields exactly once, and what it
# yields is n): any delay n of zero or more seconds, whole or not. Drawn: 0, a whole number, the
# tutorial's 2.5, odd delays in milliseconds, a tiny and a long one.


def manual_sleep_scenarios(rng: random.Random) -> list[Scenario]:
    delays = [0, 2.5, rng.randint(1, 9), odd_delay(rng), odd_delay(rng, 60.0), 0.001,
              rng.randint(3600, 90000) + 0.25]
    return sampled_by(lambda _: [{"call": f"manual_sleep({d!r})", "n": d, "size": 0}
                                 for d in delays])(rng)


def judge_manual_sleep(scenario: Scenario, seen: Any) -> None:
    n = scenario["n"]
    compare_traces(
        f"a coroutine that awaits manual_sleep({n!r}) and then returns 'resumed'",
        [Step("yield", n), Step("return", "resumed")],
        steps_from(seen),
        advice="manual_sleep(n) must hand n to the driver with one `yield n`, then let the "
        "awaiting coroutine go on.",
    )


# Input space of square(x) and cube(x) (the contract: the lines with {x}, one wait of 3 s each
# (cube's, then square's), x * x and x times that square): any number x. Drawn: the tutorial's
# 4 and 5, 0, a negative, a whole number past 2**64 (exact in Python), and a float whose products
# are exact (2.5, -0.75), so that x * x * x, x ** 3 and x * (x * x) agree as the contract allows.


def numbers(rng: random.Random, tutorial: int) -> list[int | float]:
    return [tutorial, 0, -rng.randint(2, 99), rng.randint(2**64, 2**70),
            rng.choice((2.5, -0.75, 1.5, 0.125))]


def square_scenarios(rng: random.Random) -> list[Scenario]:
    return [{"call": f"square({x!r})", "x": x, "size": i} for i, x in enumerate(numbers(rng, 4))]


def cube_scenarios(rng: random.Random) -> list[Scenario]:
    return [{"call": f"cube({x!r})", "x": x, "size": i} for i, x in enumerate(numbers(rng, 5))]


def square_steps(x: Any) -> list[Step]:
    return [
        Step("print", f"Starting square with argument {x}!"),
        Step("yield", 3),
        Step("print", f"Finishing square with argument {x}!"),
        Step("return", x * x),
    ]


def cube_steps(x: Any) -> list[Step]:
    square = square_steps(x)[:-1]
    return [
        Step("print", f"Starting cube with argument {x}!"),
        Step("yield", 3),
        *square,
        Step("print", f"Finishing cube with argument {x}!"),
        Step("return", x * (x * x)),
    ]


def judge_square(scenario: Scenario, seen: Any) -> None:
    compare_traces(
        scenario["call"], square_steps(scenario["x"]), steps_from(seen),
        advice="compare your steps with the expected ones from the top: the first one marked "
        "is where yours part from the README's square (its lines, its one wait, its result).",
    )


def judge_cube(scenario: Scenario, seen: Any) -> None:
    x, call = scenario["x"], scenario["call"]
    steps = steps_from(seen)
    if not awaited_square(steps):
        raise CheckFailed(
            f"Driven by hand, {call} never ran square: none of its steps is square's (no "
            "square line printed, one wait only), so cube made the square itself.",
            expected="\n".join(step.describe() for step in cube_steps(x)),
            actual="\n".join(step.describe() for step in steps) or "nothing at all",
            advice="cube must await square(x) for its square: the point of this step is that "
            "square's wait passes through cube to the driver.",
        )
    compare_traces(
        call, cube_steps(x), steps,
        advice="compare your steps with the expected ones from the top: the first one marked "
        "is where yours part from the README's cube, which awaits square in the middle.",
    )


def awaited_square(steps: list[Step]) -> bool:
    """Whether a trace of cube shows square at work: a line of square's, or a second wait."""
    printed_square = any(step.kind == "print" and "square" in str(step.value) for step in steps)
    return printed_square or sum(step.kind == "yield" for step in steps) >= 2


def observed_steps(steps: list[Step]) -> list[list[Any]]:
    """A trace as plain JSON, for the parent (in the child)."""
    return [[step.kind, observed(step.value)] for step in steps]


def steps_from(seen: Any) -> list[Step]:
    return [Step(str(kind), plain_value(value)) for kind, value in seen]


class Shown:
    """An observed value that was not plain, as the grader saw it: never equal to a plain one."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = object.__hash__


def plain_value(value: Any) -> Any:
    """An observation (graders.kit.scenarios.observed) as the plain Python value it was, or a
    Shown for anything else."""
    if not isinstance(value, dict):
        return value
    items = as_list(value)
    if items is not None:
        made = [plain_value(item) for item in items]
        return tuple(made) if "tuple" in value else made
    if "dict" in value:
        try:
            return {plain_value(k): plain_value(v) for k, v in value["dict"]}
        except TypeError:
            return Shown(shown(value))
    return Shown(shown(value))


# --- run_by_hand ---------------------------------------------------------------------------------

# Input space of run_by_hand(coro, sleep) (the contract: send(None) until the coroutine finishes,
# sleep(delay) for every delay it yields, its return value): any coroutine, with any number of
# waits (none, one, dozens) of any delays (zeros, odd ones, long ones), returning any value (None,
# falsy ones, texts, lists). Drawn: a plan of each size stratum, with results of every kind, and
# the student's own cube(x) for an x or two. A zero delay may be slept or skipped: either waits
# as long.
BY_HAND_STRATA = ((0, 0), (1, 1), (2, 3), (4, 9), (10, 40))


def by_hand_scenarios(rng: random.Random) -> list[Scenario]:
    def make(r: random.Random) -> list[Scenario]:
        drawn: list[Scenario] = [{"call": "run_by_hand(waits([1, 2.5], 'done'), sleep=pretend)",
                                  "plan": [1, 2.5], "result": "done", "size": 2}]
        for n in sizes(r, BY_HAND_STRATA):
            delays, result = plan(r, n), r.choice(PLAIN_RESULTS)
            drawn.append({"call": f"run_by_hand({waits_text(delays, result)}, sleep=pretend)",
                          "plan": delays, "result": result, "size": n})
        for x in (2, r.randint(-9, 30)):
            drawn.append({"call": f"run_by_hand(cube({x}), sleep=pretend)", "cube": x,
                          "size": 50})
        return drawn
    return sampled_by(make)(rng)


def judge_by_hand(scenario: Scenario, seen: dict[str, Any]) -> None:
    if "cube" in scenario:
        x = scenario["cube"]
        delays, result = [3, 3], x**3
    else:
        delays, result = scenario["plan"], scenario["result"]
    value, slept = plain_value(seen["value"]), [float(s) for s in seen["sleeps"]]
    if same_value(value, result) and nonzero(slept) == nonzero(delays):
        return
    call = scenario["call"]
    time_sleeps = seen.get("time_sleeps") or []
    summary = f"{call} did not drive the coroutine to its result."
    if "cube" not in scenario:
        summary += f" {WAITS_DETAILS}"
    if time_sleeps:
        summary += (" It called time.sleep instead of the sleep it was given:\n"
                    + "\n".join(f"  {place}" for place in time_sleeps))
    raise CheckFailed(
        summary,
        expected=f"it returns {result!r} after calling sleep with {shown_delays(delays)}, "
        "in that order",
        actual=f"it returned {shown(seen['value'])} after calling sleep with "
        f"{shown_delays(slept)}",
        advice="send(None) until StopIteration; pass each value the coroutine yields to the "
        "`sleep` argument (never time.sleep: the caller chooses how to wait); the result is "
        "StopIteration's `value`." if "cube" not in scenario else
        "every wait of cube and square must reach run_by_hand as a yielded delay.",
    )


def nonzero(delays: list[float]) -> list[float]:
    return [float(d) for d in delays if d != 0]


def shown_delays(delays: list[float]) -> str:
    shown_ = [round_shown(d) for d in delays]
    return repr(shown_) if len(shown_) <= 12 else f"{shown_[:12]!r}"[:-1] + ", ...]"


def same_value(actual: Any, expected: Any) -> bool:
    """Equal, and of the same kinds all the way down (True is not 1, a tuple is not a list)."""
    return json.dumps(observed(actual), sort_keys=True) == json.dumps(observed(expected),
                                                                      sort_keys=True)


# --- run_concurrently: results --------------------------------------------------------------------

# Input space of run_concurrently(*coros) for its results (the contract: the results in argument
# order, a list): no coroutine at all, one, a few, dozens; each with its own plan (no wait, zeros,
# ties, odd and long delays), finishing in any order (the first given is due last); results of
# any plain type, two of them equal, falsy ones among them. Drawn from each size stratum, with the
# tutorial's call of the student's own cube and square first.
RESULT_STRATA = ((0, 0), (1, 1), (2, 3), (4, 8), (9, 16), (17, 36))
TUTORIAL_RESULTS = [1000, 4, 125]


def results_scenarios(rng: random.Random) -> list[Scenario]:
    def make(r: random.Random) -> list[Scenario]:
        drawn: list[Scenario] = [{"call": "run_concurrently(cube(10), square(2), cube(5))",
                                  "tutorial": True, "size": 0}]
        for n in sizes(r, RESULT_STRATA):
            drawn.append(scheduler_scenario(plans(r, n), results_for(r, n)))
        return drawn
    return sampled_by(make)(rng)


def judge_results(scenario: Scenario, seen: dict[str, Any]) -> None:
    expected = TUTORIAL_RESULTS if scenario.get("tutorial") else scenario["results"]
    call, value = scenario["call"], seen["results"]
    if same_value(plain_value(value), expected):
        return
    details = "" if scenario.get("tutorial") else WAITS_DETAILS
    if isinstance(value, dict) and "tuple" in value and same_value(
            list(plain_value(value)), expected):
        raise CheckFailed(
            f"{call} gave the right results in the right order, but as a tuple.",
            expected=f"{expected!r}: a list, as asyncio.gather gives",
            actual=shown(value), details=details, advice="return a list.",
        )
    raise CheckFailed(
        f"{call} gave the wrong results.",
        expected=f"{expected!r}, one result per coroutine, in the order they were given",
        actual=shown(value),
        details=details,
        advice="with nothing to run, return an empty list at once." if not expected else
        "the coroutines finish in another order than they were given: keep each result at "
        "its coroutine's position (results may repeat, and may be None or falsy).",
    )


# --- run_concurrently: timing --------------------------------------------------------------------


@dataclass
class SchedulerRun:
    """One observed run of the student's scheduler, rebuilt in the parent."""

    results: Any
    now: float
    sleeps: list[float]
    timeline: Timeline
    time_sleeps: list[str]
    """The student's lines that called time.sleep (or the seconds, when no line was known)."""
    real_clock: list[str]
    """The student's lines that read the real clock instead of the `clock` given."""

    @classmethod
    def from_observation(cls, seen: dict[str, Any]) -> SchedulerRun:
        timeline = Timeline("Your scheduler")
        timeline.spans = [Span(str(row), float(start), float(end), state)
                          for row, start, end, state in seen["spans"]]
        return cls(seen["results"], float(seen["now"]), [float(s) for s in seen["sleeps"]],
                   timeline, list(seen["time_sleeps"]), list(seen["real_clock"]))

    def sleep_calls(self) -> list[tuple[float, float]]:
        """(clock when it slept, seconds slept), for every sleep the scheduler asked for."""
        calls, now = [], 0.0
        for seconds in self.sleeps:
            calls.append((now, seconds))
            now += seconds
        return calls


def planned_timeline(title: str, rows: list[str], plans: list[list[float]]) -> Timeline:
    """What a right scheduler does: every row starts at 0 and waits its delays back to back."""
    timeline = Timeline(title)
    for row, delays in zip(rows, plans, strict=True):
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
        texts = [f"{value:.{digits}g}" for value in values]
        if len(set(texts)) == len(set(values)):
            return texts
    return [repr(value) for value in values]


SLEEPS_SHOWN = 8
"""More sleeps than this are summed up: a list of dozens says less than its count and range."""


def describe_sleeps(sleeps: list[float]) -> str:
    """The scheduler's calls of sleep, listed when they are few, summed up when many."""
    if len(sleeps) <= SLEEPS_SHOWN:
        return f"sleep called with {[round_shown(s) for s in sleeps]}"
    each = (f"{min(sleeps):g} s each" if min(sleeps) == max(sleeps)
            else f"from {min(sleeps):g} s to {max(sleeps):g} s at a time")
    return f"sleep called {len(sleeps)} times, {each}, {sum(sleeps):g} s in all"


def diagnose(run: SchedulerRun, right_seconds: float) -> tuple[str, str]:
    """What went wrong with the timing of a run, in words, and what to try."""
    timeline = run.timeline
    if run.real_clock:
        return ("Your scheduler read the real clock instead of the `clock` it was given, so its "
                "wake-up times and the time it really had to wait disagree:\n"
                + "\n".join(f"  {place}" for place in run.real_clock),
                "call the `clock` argument (clock()) wherever you need the time now, never "
                "time.monotonic() or time.time() directly: the caller chooses the clock.")
    if run.now < right_seconds - RESUME_TOLERANCE:
        if run.time_sleeps:
            return ("Your coroutines waited with time.sleep instead of yielding, so the "
                    "scheduler's clock never saw those waits:\n"
                    + "\n".join(f"  {place}" for place in run.time_sleeps),
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
        return late_resume(run, late[0])
    return ("", "keep every coroutine's wake-up time and always resume the smallest one next.")


def late_resume(run: SchedulerRun, span: Span) -> tuple[str, str]:
    at, seconds = next(
        ((at, seconds) for at, seconds in reversed(run.sleep_calls()) if at <= span.start),
        (span.start, span.end - span.start),
    )
    unstarted = run.timeline.lifetime(span.row)[0] == span.end and span.start == 0
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


def resume_times(timeline: Timeline) -> dict[str, list[float]]:
    return {row: sorted({s.start for s in timeline.spans if s.row == row and s.state == "run"})
            for row in timeline.rows}


def same_times(ours: dict[str, list[float]], right: dict[str, list[float]]) -> bool:
    return ours.keys() == right.keys() and all(
        len(ours[row]) == len(right[row])
        and all(abs(a - b) <= RESUME_TOLERANCE for a, b in zip(ours[row], right[row], strict=True))
        for row in right)


def describe_resumes(times: dict[str, list[float]], rows: list[str]) -> str:
    shown_rows = [row for row in rows if row in times][:SHOWN_PLANS * 2]
    lines = [f"{row} resumed at {', '.join(f'{t:g}' for t in times[row])} s" for row in shown_rows]
    if len(times) > len(shown_rows):
        lines.append(f"... and {len(times) - len(shown_rows)} more")
    return "\n".join(lines)


def plans_in_words(rows: list[str], plans: list[list[float]]) -> str:
    words = [f"{row} waits {[round_shown(d) for d in p]}" for row, p in zip(rows, plans,
                                                                        strict=True)]
    more = f"; and {len(words) - SHOWN_PLANS} more" if len(words) > SHOWN_PLANS else ""
    return "; ".join(words[:SHOWN_PLANS]) + more


# Input space of the overlap check (the contract: run_concurrently takes as long as the longest
# coroutine, not their sum: cube(5) and cube(10) together take 6 s): two coroutines that wait as
# cube(5) and cube(10) do (the tutorial's case, first), then from three to forty coroutines with
# plans of up to five waits each (ties, zeros, odd and long delays, some with no wait at all).
OVERLAP_STRATA = ((3, 3), (4, 6), (7, 12), (13, 24), (25, 40))
LIKE_CUBES = scheduler_scenario([[3, 3], [3, 3]], [125, 1000], ["like cube(5)", "like cube(10)"])
"""The tutorial's case, with the grader's coroutines: a verdict that holds whatever the
student's cube and square do (a square that waits with time.sleep would make a one-after-another
scheduler look right)."""


def overlap_scenarios(rng: random.Random) -> list[Scenario]:
    def make(r: random.Random) -> list[Scenario]:
        drawn = [dict(LIKE_CUBES)]
        for n in sizes(r, OVERLAP_STRATA):
            drawn.append(scheduler_scenario(plans(r, n), names(n)))
        return drawn
    return sampled_by(make)(rng)


def judge_overlap(scenario: Scenario, seen: dict[str, Any]) -> None:
    # The results, and their order, are the check of results' to judge: one charge.
    run = SchedulerRun.from_observation(seen)
    call, rows, plans_ = scenario["call"], scenario["rows"], scenario["plans"]
    total = max(sum(p) for p in plans_)
    if abs(run.now - total) <= RESUME_TOLERANCE:
        return
    what, advice = diagnose(run, total)
    if rows == LIKE_CUBES["rows"]:
        summary = ("Two coroutines that wait as cube(5) and cube(10) do (3 s, then 3 s more) "
                   f"took {run.now:g} s of your scheduler's clock; overlapping, they take "
                   f"{total:g} s.")
        expected = "6 s: each waits 3 s twice, and the two wait at the same time"
    else:
        summary = (f"{call} took {run.now:g} s of your scheduler's clock; overlapping, its "
                   f"{len(plans_)} coroutines take {total:g} s, as long as the longest.")
        expected = f"{total:g} s: every coroutine waits at the same time as the others"
    raise CheckFailed(
        f"{summary} {what}".rstrip(),
        expected=expected,
        actual=f"{distinct_seconds(run.now)[0]} s, with {describe_sleeps(run.sleeps)}",
        details="" if rows == LIKE_CUBES["rows"] else
        f"{WAITS_DETAILS}\n{plans_in_words(rows, plans_)}",
        advice=advice,
        timeline=gantt_side_by_side(run.timeline,
                                    planned_timeline("Overlapping", rows, plans_)),
    )


# Input space of "resumes the coroutine due first" (the contract: always resume the coroutine
# whose wake-up time comes first, sleep only when none is due): any number of coroutines, each
# with any plan of zero or more delays (zeros, ties, odd delays, long and short mixed), where the
# order they are due in differs from the order they start in and from their arguments'. Drawn:
# the fixed table below (the tutorial-like plan, odd delays, ties, zero delays), then from three
# to thirty-six coroutines with plans of up to six waits, the first of them due last. Judged on
# every resume time, on the fake clock, within RESUME_TOLERANCE.
DUE_FIRST_PLANS: tuple[tuple[list[float], ...], ...] = (
    ([5, 1], [2, 2, 2], [0.5]),
    ([0.3], [1.7, 0.3]),
    ([2.05, 1], [1, 1.05], [0]),
    ([1.7], [0.3, 0.3, 0.3], [1.7], [0, 0.1]),
    ([4.2], [0.9, 0.9], [3.3, 0.3], [0.01, 2.2], [1.3, 1.3, 1.3]),
)
DUE_FIRST_STRATA = ((3, 4), (5, 8), (9, 16), (17, 36))


def due_first_scenarios(rng: random.Random) -> list[Scenario]:
    def make(r: random.Random) -> list[Scenario]:
        drawn = [scheduler_scenario([list(p) for p in fixed], names(len(fixed)))
                 for fixed in DUE_FIRST_PLANS]
        for n in sizes(r, DUE_FIRST_STRATA):
            drawn.append(scheduler_scenario(plans(r, n, longest=6), names(n)))
        return drawn
    return sampled_by(make)(rng)


NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}


def judge_due_first(scenario: Scenario, seen: dict[str, Any]) -> None:
    run = SchedulerRun.from_observation(seen)
    call, rows, plans_ = scenario["call"], scenario["rows"], scenario["plans"]
    expected = planned_timeline("Each resumed when due", rows, plans_)
    resumed, right = resume_times(run.timeline), resume_times(expected)
    total = max(sum(p) for p in plans_)
    if same_times(resumed, right) and abs(run.now - total) <= RESUME_TOLERANCE:
        return  # the results, and their order, are the check of results' to judge: one charge
    what, advice = diagnose(run, total)
    count = NUMBER_WORDS.get(len(plans_), str(len(plans_)))
    raise CheckFailed(
        f"{call}: its {count} coroutines were not each resumed when due. {what}".rstrip(),
        expected=describe_resumes(right, rows) + f"\nin all {total:g} s",
        actual=describe_resumes(resumed, rows) + f"\nin all {run.now:g} s",
        details=f"{WAITS_DETAILS}\n{plans_in_words(rows, plans_)}",
        advice=advice,
        timeline=gantt_side_by_side(run.timeline, expected),
    )


# --- Never time.sleep ---------------------------------------------------------------------------
# Input space of the blocking check: square and cube on any numbers, driven by run_concurrently
# and run_by_hand with a pretend clock. Whether code calls time.sleep does not depend on the
# numbers, so one scenario drives square(1), cube(2) and cube(3), the numbers of the tutorial's
# examples, fixed: code that is wrong on other numbers (a loop for one of them) is the other
# checks' to catch, and must not fail this one. The child scans the `async def` bodies, notes
# every time.sleep made meanwhile (disarmed), and the parent judges both.

WHY_TIME_SLEEP = (
    "A coroutine that calls time.sleep keeps control while it waits: whoever drives it cannot run "
    "anything else meanwhile, so nothing can overlap."
)


def time_sleep_scenarios(rng: random.Random) -> list[Scenario]:
    a, b, c = 1, 2, 3
    return [{"call": f"run_concurrently(square({a}), cube({b})) and run_by_hand(cube({c}))",
             "arguments": [a, b, c]}]


_JUDGE_STATIC = blocking_judge(
    summary="A coroutine of yours waits with a blocking call instead of yielding.",
    step_lesson=WHY_TIME_SLEEP,
    advice="`await manual_sleep(n)` hands the wait to the driver, which can run other "
    "coroutines meanwhile.",
)


def judge_time_sleep(scenario: Scenario, seen: dict[str, Any]) -> None:
    _JUDGE_STATIC(scenario, seen)
    if seen["slept"]:
        raise CheckFailed(
            "Your code called time.sleep itself while it drove square and cube:\n"
            + "\n".join(str(line) for line in seen["time_sleeps"]),
            expected="every wait goes through the `sleep` argument the driver was given",
            actual=f"time.sleep was called with {seen['slept']}",
            why="The caller of a driver chooses how time passes (here, a pretend clock): a "
            "driver that calls time.sleep itself ignores that choice.",
            advice="coroutines `await manual_sleep(n)`; the scheduler calls its `sleep` "
            "argument, never time.sleep directly.",
        )
