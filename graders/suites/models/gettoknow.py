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
    describe_printed,
    is_error,
    printed_as_expected,
    printed_from,
    render_printed,
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


# --- square -------------------------------------------------------------------------------------
# Input space of square(x): any number x (the contract: prints its start line, raises ValueError
# for 7 before it sleeps, sleeps 3 s, prints its finishing line, returns x * x). Every sample has
# 7, a number below it, zero or one, a negative, a large one and a fraction.


def square_scenarios(rng: Any) -> list[Scenario]:
    numbers = [7, rng.randint(2, 6), rng.choice([0, 1]), rng.randint(-999, -1),
               rng.randint(8, 10**6), rng.randint(1, 99) + rng.choice([0.25, 0.5, 0.75])]
    return [{"call": call_text("square", x), "x": x, "size": k} for k, x in enumerate(numbers)]


def judge_square(scenario: Scenario, seen: dict[str, Any]) -> None:
    x, call = scenario["x"], scenario["call"]
    printed, seconds, value = printed_from(seen["printed"]), float(seen["seconds"]), seen["value"]
    if x == 7:
        judge_square_of_seven(call, printed, seconds, value, seen["raised"])
        return
    expected = [at(0, starting(x)), at(SQUARE_SECONDS, finishing(x))]
    if seen["raised"] or type(value) is not type(x * x) or value != x * x \
            or not printed_as_expected(printed, expected):
        raise CheckFailed(
            f"{call} did not print, sleep and return as it should.",
            expected=f"{x * x!r}, printing these lines at these times:\n"
            + describe_printed(expected) + "\nin 3.0 s",
            actual=f"{'it raised ' if seen['raised'] else ''}{shown(value)}, printing:\n"
            f"{describe_printed(printed)}\nin {seconds:.1f} s",
            advice="compare your lines and their times with the expected ones, word for word.",
        )


def judge_square_of_seven(call: str, printed: list[PrintedLine], seconds: float, value: Any,
                          raised: bool) -> None:
    if not (raised and is_error(value, "ValueError")) or [p.text for p in printed] != [
            starting(7)]:
        got = (f"it raised {value['error']}: {value.get('message', '')}" if raised
               and is_error(value) else f"it returned {shown(value)}")
        raise CheckFailed(
            f"{call} should print its start line and then raise ValueError.",
            expected=f"the line {starting(7)!r}, then a ValueError",
            actual=f"{got}, printing:\n{describe_printed(printed)}",
            advice="the next steps are about what a failing coroutine does to the others.",
        )
    if seconds > TOLERANCE:
        raise CheckFailed(
            f"{call} raised ValueError only after {seconds:g} s: it should fail right after its "
            "start line, before it sleeps.",
            expected=f"the line {starting(7)!r}, then a ValueError at once, at 0.0 s",
            actual=f"ValueError at {seconds:.1f} s",
            advice="check for 7 between the start line and the sleep.",
        )


# Input space of list_squares(n) (the contract: squares of 0..n-1, all at once, 3 s for any n,
# the error object of square(7) in its place): any n >= 1. The results check draws two n from
# each of four strata: without 7 (1..7), just past it (8..12), past any batch a submission might
# keep (13..40, 41..80). The timing check draws two from each of five, past a semaphore of eight,
# sixteen or sixty-four too, with the grader's own square (3 s, no error for 7), so that it
# judges list_squares' overlap alone.
RESULT_STRATA = ((1, 7), (8, 12), (13, 40), (41, 80))
TIMING_STRATA = ((1, 4), (5, 8), (9, 16), (17, 64), (65, 100))


def squares_scenarios(strata: tuple[tuple[int, int], ...]) -> Callable[[Any], list[Scenario]]:
    return sampled_by(lambda rng: [{"call": call_text("list_squares", n), "n": n, "size": n}
                                   for n in sizes(rng, strata, each=2)])


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
        for n in sizes(r, RESULT_STRATA, each=2)])(rng)


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


# Input space of the thread's overlap: any n > 7 (7 is among 0..n-1), drawn just past 7 and well
# past it. The grader's blocking_square waits (really, a second at most) for a square to be
# running beside it, and notes how many were.
THREAD_STRATA = ((8, 12), (13, 40))
THREAD_ADVICE = "a worker thread for blocking_square, whose result a coroutine can await"


def thread_scenarios(rng: Any) -> list[Scenario]:
    return [{"call": call_text("list_squares_with_executor", n), "n": n, "size": n}
            for n in sizes(rng, THREAD_STRATA)]


def judge_thread(scenario: Scenario, seen: dict[str, Any]) -> None:
    call, seconds, calls = scenario["call"], float(seen["seconds"]), seen["calls"]
    if not calls:
        raise CheckFailed(
            f"{call} never ran blocking_square in a worker thread.",
            expected="blocking_square(7) handed to a thread, while the other squares run",
            actual="blocking_square was not called",
            advice=f"use {THREAD_ADVICE}, and await it together with the squares.",
        )
    alone = next(((started, running) for started, running in calls if running == 0), None)
    if alone is not None:
        when = ("before any square had started" if alone[0] == 0
                else "after every square had finished")
        raise CheckFailed(
            f"In {call}, blocking_square ran in a thread, but {when}: not alongside them.",
            expected="blocking_square(7) works in its thread while the other squares sleep",
            actual=f"it ran {when}, so the two waits add up instead of overlapping",
            advice="awaiting the thread's result on its own, before or after the squares, "
            "waits for it alone: look at where you await it, and let one await wait for the "
            "thread and the squares together.",
        )
    if abs(seconds - SQUARE_SECONDS) > TOLERANCE:
        raise CheckFailed(
            f"{call} took {seconds:.1f} s of virtual time; it should take 3.0 s.",
            expected="3.0 s: the squares and the thread all wait at the same time",
            actual=f"{seconds:.1f} s",
            advice="start everything before waiting for anything: one asyncio.gather(...) over "
            "the squares and the thread's awaitable."
            if seconds > SQUARE_SECONDS else too_fast_advice(),
            timeline=render_printed(call, printed_from(seen["printed"])[:40]),
        )


# --- launch_square -------------------------------------------------------------------------------
# Input space of launch_square(x): any number x, and a square of any duration d (the contract:
# one `waiting for square(x)...` a second while the task is not done, then its result). Scenarios:
# the student's own square (3 s, where a poll at 3 s may or may not come before the task's end),
# and the grader's square with durations off the whole second, drawn from three strata (under a
# second, a few seconds, up to twelve), where the count of polls is exactly floor(d) + 1.
LAUNCH_STRATA = ((0, 0), (1, 4), (5, 12))
"""Whole seconds of the grader's square's duration, to which a tenth of 1 to 9 is added."""


def launch_scenarios(rng: Any) -> list[Scenario]:
    own = {"call": "launch_square(4)", "x": 4, "duration": SQUARE_SECONDS, "own": True,
           "polls": [3, 4], "size": 0}
    drawn = []
    for whole in sizes(rng, LAUNCH_STRATA):
        duration = whole + rng.randint(1, 9) / 10  # never a whole second: the count is exact
        x = rng.choice([rng.randint(-20, -1), rng.randint(8, 999)])
        drawn.append({
            "call": f"launch_square({x}), with the grader's square that takes {duration:g} s",
            "x": x, "duration": duration, "own": False, "polls": [whole + 1],
            "size": duration})
    return [own, *drawn]


def square_problem(lines: list[PrintedLine], x: Any, duration: float) -> str:
    """A square that does not take its time is the cause (the grader's own always does)."""
    times = {line.text: line.time or 0.0 for line in lines}
    took = times.get(finishing(x), duration) - times.get(starting(x), 0.0)
    if abs(took - duration) > TOLERANCE:
        return (f"your square({x}) itself finished {took:g} s after it started, not "
                f"{duration:g} s: launch_square can only wait as long as square does, so look "
                "at square first (its own check says what it did).")
    return "square did not run as a task from the start, next to the waiting lines."


def judge_launch(scenario: Scenario, seen: dict[str, Any]) -> None:
    x, duration, call = scenario["x"], float(scenario["duration"]), scenario["call"]
    allowed = tuple(scenario["polls"])
    printed, seconds, value = printed_from(seen["printed"]), float(seen["seconds"]), seen["value"]
    polls = [line for line in printed if line.text == waiting(x)]
    square_lines = [line for line in printed if line.text in (starting(x), finishing(x))]
    expected_polls = [[at(k, waiting(x)) for k in range(count)] for count in allowed]
    expected_square = [at(0, starting(x)), at(duration, finishing(x))]
    problem = ""
    if type(value) is not int or value != x * x:
        problem = f"it returned {shown(value)}, not the task's result {x * x}."
    elif not printed_as_expected(square_lines, expected_square):
        problem = square_problem(square_lines, x, duration)
    elif not any(printed_as_expected(polls, lines) for lines in expected_polls):
        problem = "the waiting lines are not one a second while the task runs."
    elif not duration - TOLERANCE <= seconds <= max(allowed) + TOLERANCE:
        problem = f"it took {seconds:.1f} s."
    if not problem:
        return
    raise CheckFailed(
        f"{call}: {problem}",
        expected=f"{waiting(x)!r} at 0, 1, 2, ... s for as long as the task is not done "
        f"(square takes {duration:g} s), then the task's result {x * x}",
        actual=f"{shown(value)} after {seconds:.1f} s, printing:\n{describe_printed(printed)}",
        advice="the task must already run while the lines are printed, and it can tell whether "
        "it is done: look at when yours is created, and at what ends your loop.",
        timeline=side_by_side("Your launch_square", printed[:40], "Polling once a second",
                              sorted(expected_square + expected_polls[0],
                                     key=lambda line: line.time or 0.0)),
    )


# --- stop_in -------------------------------------------------------------------------------------
# Input space of stop_in(n): any n >= 1 (the contract: `Shutdown in k...` for k = n..1, one a
# second, then the running loop stops, n s in). Drawn from three strata: 1 to 3, 4 to 9, 10 to 40.
STOP_STRATA = ((1, 3), (4, 9), (10, 40))
STOP_GUARD = 10.0
"""Virtual seconds after the countdown at which the grader stops a loop that stop_in never
stopped."""


def stop_scenarios(rng: Any) -> list[Scenario]:
    return [{"call": f"loop.create_task(stop_in({n})); loop.run_forever()", "n": n, "size": n}
            for n in sizes(rng, STOP_STRATA)]


def judge_stop(scenario: Scenario, seen: dict[str, Any]) -> None:
    n, call = scenario["n"], scenario["call"]
    printed, seconds = printed_from(seen["printed"]), float(seen["seconds"])
    expected = [at(n - left, f"Shutdown in {left}...") for left in range(n, 0, -1)]
    if seen["stopped_by_grader"] is not False:
        raise CheckFailed(
            f"{call}: stop_in({n}) never stopped the loop that runs it: run_forever() was still "
            f"running {n + STOP_GUARD:g} s later, when the grader stopped it.",
            expected=f"run_forever() returns after {n} s",
            actual=f"it printed:\n{describe_printed(printed[:12])}",
            advice="call stop() on the loop the coroutine runs on: "
            "asyncio.get_running_loop() inside the coroutine. A loop fetched at import "
            "time, or a new one, is another loop.",
        )
    if not printed_as_expected(printed, expected) or abs(seconds - n) > TOLERANCE:
        raise CheckFailed(
            f"{call} did not count down and stop on time.",
            expected=f"{describe_printed(expected[:12])}\nthen run_forever() returns at "
            f"{n:.1f} s",
            actual=f"{describe_printed(printed[:12])}\nthen run_forever() returned at "
            f"{seconds:.1f} s",
            advice="look at what your countdown waits on between its lines, and at when it "
            "stops the loop: only once the last line has had its second.",
            timeline=side_by_side(f"Your stop_in({n})", printed[:40], "Counting down",
                                  expected[:40]),
        )


# --- RemoteContainer ------------------------------------------------------------------------------
# Input space of RemoteContainer(items, delay=1): any list of items (none, one, many; repeats;
# None, numbers, texts with spaces and accents) and any delay > 0, odd ones too (the contract:
# each item after `await asyncio.sleep(delay)`, in order, afresh for each `async for`). Each
# scenario iterates the same container twice.
ITEM_CHOICES: tuple[Any, ...] = (0, 1, -3, 7, 2.5, None, "a", "b", "two words", "café", "", True)


def container_scenarios(rng: Any) -> list[Scenario]:
    scenarios = []
    for count in sizes(rng, ((0, 0), (1, 3), (4, 9), (10, 30))):
        items = [rng.choice(ITEM_CHOICES) for _ in range(count)]
        if count >= 2:
            items[-1] = items[0]  # a repeat: an item is not where the iteration is
        delay = rng.choice([None, round(rng.uniform(0.1, 2.9), 1)])
        arguments = repr(items) + ("" if delay is None else f", delay={delay!r}")
        scenarios.append({"call": f"RemoteContainer({arguments})", "items": items,
                          "delay": delay, "size": count})
    return scenarios


def describe_items(items: list[tuple[Any, float]]) -> str:
    if not items:
        return "no items"
    shown_items = ", ".join(f"{shown(item)} at {when:g} s" for item, when in items[:12])
    return shown_items + (", ..." if len(items) > 12 else "")


def judge_container(scenario: Scenario, seen: dict[str, Any]) -> None:
    items, call = scenario["items"], scenario["call"]
    delay = 1.0 if scenario["delay"] is None else float(scenario["delay"])
    expected = [(item, round(delay * (k + 1), 3)) for k, item in enumerate(items)]
    for label, run in (("first", seen["first"]), ("second", seen["second"])):
        got = [(item, float(when)) for item, when in run["items"]]
        ended = float(run["ended"])
        same = len(got) == len(expected) and all(
            type(a) is type(b) and a == b and abs(t - u) <= TOLERANCE
            for (a, t), (b, u) in zip(got, expected, strict=True))
        last = len(items) * delay
        if same and (abs(ended - last) <= TOLERANCE or abs(ended - last - delay) <= TOLERANCE):
            continue
        raise CheckFailed(
            f"The {label} `async for` over {call} did not give the items one every "
            f"{delay:g} s.",
            expected=f"{describe_items(expected)}, then the end, by {last + delay:g} s",
            actual=f"{describe_items(got)}, then the end at {ended:g} s",
            advice="__anext__ awaits asyncio.sleep(self.delay) and returns the next item, "
            "or raises StopAsyncIteration at the end; keep the position where a new "
            "`async for` starts it again from 0 (__aiter__ runs once per `async for`)."
            if label == "first" else
            "a second `async for` must start from the first item again: reset the "
            "position in __aiter__, or return a new iterator object from it.",
        )


# --- Connection ----------------------------------------------------------------------------------
# Input space of Connection(url): any url; in its block, any keys set to any values (texts with
# spaces and accents, numbers, None, lists), a key set twice (the last value is read back), and a
# block that raises or not (the contract: entering takes 1 s and gives the connection itself,
# leaving takes 1 s and sets closed, also when the block raised, and the exception goes on).
KEYS = ("answer", "question", "two words", "clé", "", "k9")
VALUES: tuple[Any, ...] = (42, "six times nine", None, 0, -1, [1, 2], "", 2.5)


def connection_scenarios(rng: Any) -> list[Scenario]:
    scenarios = []
    for size, raise_inside in ((2, False), (2, True), (rng.randint(3, 8), False),
                               (rng.randint(3, 8), True)):
        keys = rng.sample(KEYS, min(size, len(KEYS)))
        pairs = [[key, rng.choice(VALUES)] for key in keys]
        if size > 2:
            pairs.append([keys[0], rng.choice(VALUES)])  # set twice: the last value stays
        url = rng.choice(["db://grader", "postgres://farm:5432/animals", "sqlite:///tmp/x.db"])
        block = "raise ..." if raise_inside else "..."
        scenarios.append({"call": f"async with Connection({url!r}) as connection: {block}",
                          "url": url, "pairs": pairs, "raise": raise_inside, "size": size})
    return scenarios


def connection_problems(scenario: Scenario, seen: dict[str, Any]) -> list[str]:
    last = {key: value for key, value in scenario["pairs"]}
    wanted = [last[key] for key, _ in scenario["pairs"]]
    read_back = [_plain(value) for value in seen["read_back"]]
    problems = []
    if abs(float(seen["entered_at"]) - 1) > TOLERANCE:
        problems.append(f"entering took {seen['entered_at']:g} s, not 1 s")
    if seen["same_object"] is not True:
        problems.append("`as connection` did not give the Connection object itself (it gives "
                        "what __aenter__ returns)")
    if seen["closed_inside"] is True:
        problems.append("closed was already true inside the block")
    if read_back != wanted:
        problems.append(f"get_key read back {read_back!r} instead of {wanted!r}")
    leaving = float(seen["left_at"]) - float(seen["body_ended_at"])
    if abs(leaving - 1) > TOLERANCE:
        problems.append(f"leaving took {leaving:g} s, not 1 s")
    if seen["closed_after"] is not True:
        problems.append(f"closed is {shown(seen['closed_after'])} afterwards, not True")
    if scenario["raise"] and seen["escaped"] is not True:
        problems.append("the exception raised in the block disappeared")
    return problems


def _plain(value: Any) -> Any:
    """An observed value back as the plain value the grader stored (lists are stored as such)."""
    items = as_list(value)
    return [_plain(item) for item in items] if items is not None else value


def judge_connection(scenario: Scenario, seen: dict[str, Any]) -> None:
    problems = connection_problems(scenario, seen)
    if not problems:
        return
    raising = scenario["raise"]
    raise CheckFailed(
        f"`{scenario['call']}` did not behave as a connection"
        + (" whose block raises." if raising else "."),
        expected="entering takes 1 s and gives the connection itself; set_key/get_key "
        "store and read values (the last one set for a key); leaving takes 1 s and sets closed "
        "to True" + (", and the block's exception comes out of the `async with`"
                     if raising else ""),
        actual="; ".join(problems),
        advice="__aexit__ runs whether or not the block raised: close in any case. Look at "
        "what it returns: a true value says the exception was handled, so it is swallowed."
        if raising else "compare each problem with your __aenter__ and __aexit__: what `as` "
        "gives the block is what __aenter__ returns, and each of them waits like a coroutine.",
    )


# --- blocking -----------------------------------------------------------------------------------
# Input space of the blocking check: every function of the exercise, on any input the contract
# allows. Whether code blocks is a matter of what it calls, which an input rarely changes, so one
# scenario runs each function once, on drawn arguments: a number to square and to launch (never 7,
# which fails before it sleeps), a count of squares past any batch, a countdown, a container's
# items. The child watches each run and scans the `async def` bodies; the parent judges what it
# saw (graders.kit.context.blocking_judge).


def blocking_scenarios(rng: Any) -> list[Scenario]:
    x = rng.choice([value for value in range(-3, 13) if value != 7])
    n, countdown = rng.randint(8, 40), rng.randint(1, 3)
    items = [rng.randint(-9, 99) for _ in range(rng.randint(0, 5))]
    runs = [call_text("square", x), call_text("list_squares", n),
            call_text("list_squares_with_executor", n), call_text("launch_square", x),
            call_text("stop_in", countdown), f"async for over RemoteContainer({items!r})",
            "async with Connection(...)"]
    return [{"call": ", ".join(runs), "x": x, "squares": n, "stop_in": countdown,
             "items": items}]
