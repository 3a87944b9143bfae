"""Exercise 04: getting to know asyncio (gather, errors, tasks, executors, run_forever, async
for, async with).

Every coroutine of the student's runs on a looptime loop (graders.kit.vtime): the tutorial's 3 s
squares cost nothing, every duration is exact, and every timing check bounds both sides (too long:
too little overlap; near zero: something blocked or asyncio.sleep was replaced). While student
code runs, blockbuster watches it: a blocking call on the event loop's thread raises at once, and
is recorded, instead of making the grader wait.

The provided blocking_square really sleeps 3 s. In a worker thread that would cost 3 real seconds
(looptime moves its clock in step with real time while an executor future is pending), so during
every check a stand-in takes its place: it answers at once, and notes which thread it ran on and
how many squares were running meanwhile, which is what the executor checks judge.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graders.kit import (
    CheckContext,
    CheckFailed,
    Counting,
    Ran,
    Replacement,
    Scenario,
    StandIn,
    Suite,
    blocking_judge,
    fail_on_blocking_calls,
    observe_blocking_runs,
    observed,
    observed_printed,
    run_student,
    run_student_forever,
)
from graders.suites.models.gettoknow import (
    RESULT_STRATA,
    SQUARE_SECONDS,
    STOP_GUARD,
    THREAD_ADVICE,
    TIMING_STRATA,
    blocking_scenarios,
    connection_scenarios,
    container_scenarios,
    executor_scenarios,
    finishing,
    judge_connection,
    judge_container,
    judge_executor,
    judge_launch,
    judge_overlap,
    judge_square,
    judge_squares_with_seven,
    judge_stop,
    judge_thread,
    launch_scenarios,
    square_scenarios,
    squares_scenarios,
    starting,
    stop_scenarios,
    thread_scenarios,
)

SUITE = Suite()

THREAD_PATIENCE = 1.0
"""Real seconds the blocking_square stand-in waits for a square to be running beside it."""

# Kept before any student code runs: a submission may replace time.sleep.
_REAL_SLEEP = time.sleep

BLOCKING_LESSON = (
    "While a blocking call waits, the event loop waits with it: no other coroutine can run, so "
    "nothing overlaps any more."
)


# --- Running the student's code ------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadCall:
    """One call of blocking_square made off the event loop's thread."""

    argument: Any
    squares_started: int
    """How many squares had started when it answered."""
    squares_running: int
    """How many of them were still running then: more than 0 means it ran alongside them."""


def blocking_square_stand_in(ctx: CheckContext, counter: Counting | None = None,
                             patience: float = 0.0) -> StandIn:
    """Stands in for the provided blocking_square: it answers x * x at once on the loop's thread
    (noting the student's line, a blocking call there would have stopped everything); off it, it
    waits (for real, `patience` seconds at most) until a square is running beside it, and notes
    what ran meanwhile (`off_loop_notes`)."""

    def alongside_squares(x: Any) -> ThreadCall:
        if counter is None:
            return ThreadCall(x, 0, 0)
        deadline = time.monotonic() + patience
        while counter.running == 0 and time.monotonic() < deadline:
            _REAL_SLEEP(0.002)
        return ThreadCall(x, len(counter.started), counter.running)

    return StandIn(ctx, "blocking_square", lambda x: x * x, instead=THREAD_ADVICE,
                   off_loop=alongside_squares)


def run(ctx: CheckContext, call: str, make_awaitable: Callable[[], Awaitable[Any]],
        stand_in: StandIn | None = None, replacing: tuple[Replacement, ...] = (),
        keep_failure: bool = False) -> Ran:
    """Run the student's `make_awaitable()` to its end on a fresh virtual-time loop, with
    blocking_square stood in for: a run that blocked the loop fails with its blocking calls.
    Calls of blocking_square on the loop's thread are only noted (stand_in.blocking_calls): they
    answer at once, and the checks that care judge them."""
    stand_in = stand_in or blocking_square_stand_in(ctx)
    return run_student(ctx, call, make_awaitable, watch_blocking=True,
                       blocking_lesson=BLOCKING_LESSON, keep_failure=keep_failure,
                       replacing=((ctx.module, "blocking_square", stand_in), *replacing))


# --- square -------------------------------------------------------------------------------------


@SUITE.judged("square prints, sleeps 3 s and returns x * x, or fails for 7", points=0.5,
              tags=("results",), sample=square_scenarios, judge=judge_square)
def square_works(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    square = ctx.function("square")
    x = scenario["x"]
    got = run(ctx, scenario["call"], lambda: square(x), keep_failure=scenario["x"] == 7)
    return {"value": observed(got.error if got.failure is not None else got.value),
            "raised": got.failure is not None and got.error is not None,
            "printed": observed_printed(got.printed), "seconds": got.seconds}


# --- list_squares -------------------------------------------------------------------------------


def gathered(ctx: CheckContext, n: int) -> tuple[Ran, Counting]:
    list_squares = ctx.function("list_squares")
    counter = Counting(ctx.function("square"))
    call = f"list_squares({n})"
    try:
        return run(ctx, call, lambda: list_squares(n),
                   replacing=((ctx.module, "square", counter.wrapped()),)), counter
    except CheckFailed as failure:
        error = failure.__cause__
        if isinstance(error, ValueError | BaseExceptionGroup):
            raise CheckFailed(
                f"{call} raised {type(error).__name__}: {error}",
                details=ctx.where(error),
                expected="a list with the ValueError object of square(7) in its place, and "
                "every other square's result in its own place",
                actual="the error of one square took the whole list down",
                advice="asyncio.gather has a parameter that returns exceptions as results "
                "instead of raising them. (A TaskGroup cancels everything when one task fails: "
                "there, each task would have to catch its own error.)",
            ) from None
        raise


@SUITE.judged("list_squares keeps every result in its place, the error too", points=1,
              tags=("results",), sample=squares_scenarios(RESULT_STRATA),
              judge=judge_squares_with_seven)
def list_squares_results(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    got, counter = gathered(ctx, scenario["n"])
    return {"value": observed(got.value), "started": observed(counter.started)}


async def steady_square(x: Any) -> Any:
    """The grader's square for the timing check: the tutorial's, but 7 fails no more."""
    print(starting(x))
    await asyncio.sleep(SQUARE_SECONDS)
    print(finishing(x))
    return x * x


@SUITE.judged("list_squares runs every square at once", points=1.5, tags=("timing",),
              sample=squares_scenarios(TIMING_STRATA), judge=judge_overlap)
def list_squares_overlap(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    list_squares = ctx.function("list_squares")
    n = scenario["n"]
    got = run(ctx, f"{scenario['call']}, with the grader's square (3 s, 7 as any other)",
              lambda: list_squares(n), replacing=((ctx.module, "square", steady_square),))
    return {"seconds": got.seconds, "printed": observed_printed(got.printed)}


# --- list_squares_with_executor -----------------------------------------------------------------


def with_executor(ctx: CheckContext, n: int,
                  patience: float = 0.0) -> tuple[Ran, Counting, StandIn]:
    """list_squares_with_executor(n), the stand-in waiting up to `patience` real seconds for a
    square to run beside it: what the run gave, the squares and the stand-in."""
    function = ctx.function("list_squares_with_executor")
    counter = Counting(ctx.function("square"))
    stand_in = blocking_square_stand_in(ctx, counter, patience)
    call = f"list_squares_with_executor({n})"
    got = run(ctx, call, lambda: function(n), stand_in,
              replacing=((ctx.module, "square", counter.wrapped()),))
    return got, counter, stand_in


@SUITE.judged("list_squares_with_executor gives a number for every square", points=1,
              tags=("results",), sample=executor_scenarios, judge=judge_executor)
def executor_results(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    got, counter, stand_in = with_executor(ctx, scenario["n"])
    return {"value": observed(got.value), "sevens": observed(stand_in.arguments),
            "others": observed(sorted(counter.started, key=repr))}


@SUITE.judged("list_squares_with_executor squares 7 in a thread, alongside the others",
              points=1, tags=("timing",), sample=thread_scenarios, judge=judge_thread)
def executor_overlaps(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    n, call = scenario["n"], scenario["call"]
    done, _, stand_in = with_executor(ctx, n, patience=THREAD_PATIENCE)
    fail_on_blocking_calls(
        stand_in.blocking_calls,
        summary=f"{call} called blocking_square on the event loop's thread: for 3 s nothing "
        "else could have run.",
        step_lesson=BLOCKING_LESSON,
    )
    return {"calls": [[c.squares_started, c.squares_running] for c in stand_in.off_loop_notes],
            "seconds": done.seconds, "printed": observed_printed(done.printed)}


# --- launch_square ------------------------------------------------------------------------------


def grader_square(duration: float) -> Callable[[Any], Awaitable[Any]]:
    """The grader's square for launch_square, taking `duration` s: off the whole second, so
    that the count of polls is exact."""
    async def square(x: Any) -> Any:
        print(starting(x))
        await asyncio.sleep(duration)
        print(finishing(x))
        return x * x
    return square


@SUITE.judged("launch_square polls its task once a second", points=1, tags=("results", "timing"),
              sample=launch_scenarios, judge=judge_launch)
def launch_square_polls(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    launch_square = ctx.function("launch_square")
    x = scenario["x"]
    own = () if scenario["own"] else (
        (ctx.module, "square", grader_square(scenario["duration"])),)
    got = run(ctx, scenario["call"], lambda: launch_square(x), replacing=own)
    return {"value": observed(got.value), "printed": observed_printed(got.printed),
            "seconds": got.seconds}


# --- stop_in ------------------------------------------------------------------------------------


@SUITE.judged("stop_in counts down and stops the running loop", points=1,
              tags=("results", "timing"), sample=stop_scenarios, judge=judge_stop)
def stop_in_stops(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    stop_in = ctx.function("stop_in")
    n = scenario["n"]
    done = run_student_forever(
        ctx, f"stop_in({n})", lambda loop: loop.create_task(stop_in(n)),
        guard_after=n + STOP_GUARD, watch_blocking=True, blocking_lesson=BLOCKING_LESSON)
    return {"stopped_by_grader": done.value, "printed": observed_printed(done.printed),
            "seconds": done.seconds}


# --- RemoteContainer ----------------------------------------------------------------------------


async def consume(container: Any, limit: int = 50) -> tuple[list[tuple[Any, float]], float]:
    """Every item of `async for item in container`, with the virtual time it came, and the end."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    got: list[tuple[Any, float]] = []
    async for item in container:
        got.append((item, round(loop.time() - start, 3)))
        if len(got) >= limit:
            break
    return got, round(loop.time() - start, 3)


def check_async_iterator_form(ctx: CheckContext, cls: Any) -> None:
    if not inspect.isclass(cls):
        raise CheckFailed(
            "RemoteContainer should be a class.",
            actual=f"it is a {type(cls).__name__}",
            advice="write `class RemoteContainer:` with the methods __aiter__ and __anext__.",
        )
    aiter_method = getattr(cls, "__aiter__", None)
    if aiter_method is None:
        raise CheckFailed(
            "RemoteContainer has no __aiter__ method, so `async for` cannot use it.",
            advice="__aiter__ (a plain def) gives the object whose __anext__ `async for` "
            "awaits for each item.",
        )
    if inspect.iscoroutinefunction(aiter_method):
        raise CheckFailed(
            "RemoteContainer.__aiter__ is an `async def`, so `async for` gets a coroutine from "
            "it instead of an iterator.",
            expected="a plain `def __aiter__(self)` that returns an object with an `async def "
            "__anext__`",
            actual="`async def __aiter__`",
            why="`async for` calls __aiter__ without awaiting it, and awaits __anext__ for each "
            "item: only __anext__ waits.",
            advice="make __aiter__ a plain def; keep __anext__ an async def.",
        )
    if inspect.isasyncgenfunction(aiter_method):
        raise CheckFailed(
            "RemoteContainer.__aiter__ is an `async def`.",
            expected="a plain `def __aiter__(self)` that returns an object with an `async def "
            "__anext__`",
            actual="an async generator or a coroutine function: a shortcut that skips the "
            "protocol this step is about",
            advice="write __aiter__ and __anext__ yourself; __anext__ raises "
            "StopAsyncIteration when there is nothing left.",
        )
    iterator = ctx.call("RemoteContainer([1]).__aiter__()", lambda: cls([1]).__aiter__())
    if inspect.isasyncgen(iterator) or not hasattr(type(iterator), "__anext__"):
        raise CheckFailed(
            "RemoteContainer.__aiter__ should return an object whose class defines __anext__.",
            actual=f"it returned {iterator!r}",
            advice="return self (with __anext__ on RemoteContainer), or an object of a small "
            "class of your own that has __anext__.",
        )


@SUITE.judged("RemoteContainer gives its items one by one, afresh each time", points=1,
              tags=("results",), sample=container_scenarios, judge=judge_container)
def remote_container(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    cls = ctx.function("RemoteContainer")
    check_async_iterator_form(ctx, cls)
    items, delay = scenario["items"], scenario["delay"]

    async def twice() -> list[tuple[list[tuple[Any, float]], float]]:
        container = cls(list(items)) if delay is None else cls(list(items), delay=delay)
        return [await consume(container), await consume(container)]

    first, second = run(ctx, f"iterating {scenario['call']} twice", twice).value
    return {label: {"items": [[observed(item), when] for item, when in got], "ended": ended}
            for label, (got, ended) in (("first", first), ("second", second))}


# --- Connection ---------------------------------------------------------------------------------


class GraderError(Exception):
    """Raised by the grader inside `async with`, to see that it comes out again."""


DEFAULT_PAIRS = (("answer", 42), ("question", "six times nine"))


async def use_connection(cls: Any, raise_inside: bool, url: str = "db://grader",
                         pairs: Any = DEFAULT_PAIRS) -> dict[str, Any]:
    """What happened around one `async with Connection(url)` block that sets every pair, then
    reads every key back: times, what `as` gave, `closed` inside and after, the exception."""
    loop = asyncio.get_running_loop()
    seen: dict[str, Any] = {"escaped": False}
    connection = cls(url)
    try:
        async with connection as entered:
            seen["entered_at"] = loop.time()
            seen["same_object"] = entered is connection
            seen["closed_inside"] = observed(getattr(connection, "closed", None))
            # What `as` gave may be None (an __aenter__ without return): that is reported as
            # such, and the keys are tried on the connection itself.
            used = entered if seen["same_object"] else connection
            for key, value in pairs:
                await used.set_key(key, value)
            seen["read_back"] = [observed(await used.get_key(key)) for key, _ in pairs]
            seen["body_ended_at"] = loop.time()
            if raise_inside:
                raise GraderError("raised inside the block by the grader")
    except GraderError:
        seen["escaped"] = True
    seen["left_at"] = loop.time()
    seen["closed_after"] = observed(getattr(connection, "closed", None))
    return seen


def check_context_manager_form(cls: Any) -> None:
    if not inspect.isclass(cls) or not all(
            hasattr(cls, name) for name in ("__aenter__", "__aexit__")):
        raise CheckFailed(
            "Connection should be a class with __aenter__ and __aexit__ methods.",
            actual=f"{cls!r}",
            advice="write `class Connection:` with `async def __aenter__(self)` and "
            "`async def __aexit__(self, exc_type, exc, tb)`: that protocol is this step's "
            "lesson (contextlib.asynccontextmanager comes later).",
        )


@SUITE.judged("Connection opens and closes around the block, even when it raises", points=1,
              tags=("results",), sample=connection_scenarios, judge=judge_connection)
def connection_works(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    cls = ctx.function("Connection")
    check_context_manager_form(cls)
    pairs = [tuple(pair) for pair in scenario["pairs"]]
    return run(ctx, scenario["call"], lambda: use_connection(
        cls, scenario["raise"], scenario["url"], pairs)).value


# --- blocking -----------------------------------------------------------------------------------


@SUITE.judged("nothing blocks the event loop", points=1, tags=("blocking",),
              sample=blocking_scenarios, judge=blocking_judge(step_lesson=BLOCKING_LESSON))
def nothing_blocks(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    module = ctx.module
    x, n, items = scenario["x"], scenario["squares"], scenario["items"]
    runs: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        (f"square({x})", lambda: module.square(x)),
        (f"list_squares({n})", lambda: module.list_squares(n)),
        (f"list_squares_with_executor({n})", lambda: module.list_squares_with_executor(n)),
        (f"launch_square({x})", lambda: module.launch_square(x)),
        (f"stop_in({scenario['stop_in']})", lambda: module.stop_in(scenario["stop_in"])),
        (f"async for over RemoteContainer({items!r})",
         lambda: consume(module.RemoteContainer(items))),
        ("async with Connection(...)", lambda: use_connection(module.Connection, False)),
    ]
    return observe_blocking_runs(
        ctx, runs, extra={"blocking_square": THREAD_ADVICE},
        replacing=lambda: ((module, "blocking_square", blocking_square_stand_in(ctx)),),
    )
