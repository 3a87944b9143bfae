"""Exercise 02: cooking dinner concurrently, with coroutines and then with threads.

The recipes cook in the pack's kitchen (exercises/02_cooking/kitchen.py), which writes down every
step with its kitchen minute and refuses steps that break its rules. The grader reads that record.

Coroutines run in virtual time: one kitchen minute is `seconds_per_minute` seconds of a looptime
loop's clock, so the hours of cooking these checks cover cost no wall time, and every duration is
exact. Their checks of results and timing are judged (graders/kit/scenarios.py): the parent draws
the kitchens (how long a minute lasts, the oven takes to preheat and a pot to boil) and judges
what this module observed in each against the contract's model (graders/suites/models/
cooking.py); here the student's code is only run, and what it did described in plain values.
time.sleep is disarmed during those checks (it returns at once, with exercise 03's recorder), so
a recipe that calls it cannot make the grader wait; the blocking check catches it.

Threads cannot run in virtual time: their kitchen (ThreadKitchen) really waits, scaled down to
THREAD_SECONDS_PER_MINUTE, in a kitchen the parent draws (graders/suites/models/cooking.py). The
threaded verdicts are chosen so that a slow, loaded machine cannot flip them (see
`judge_recipes_overlap` there).
"""

from __future__ import annotations

import inspect
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from graders.kit import (
    CheckContext,
    CheckFailed,
    Ran,
    Scenario,
    Suite,
    blocking_judge,
    code_key,
    observed,
    observed_blocking,
    require_coroutine,
    run_student,
)
from graders.manifest import find_exercise
from graders.suites.models.cooking import (
    TUTORIAL_KITCHEN,
    beans,
    cooking_scenarios,
    dinner_blocking_scenarios,
    judge_dinner_overlaps,
    judge_dinner_served,
    judge_threaded_overlaps,
    judge_threaded_served,
    recipe_judge,
    rice,
    salmon,
    threaded_scenarios,
)

SUITE = Suite()

THREAD_DINNER_SECONDS = 5.0
"""How long the threaded dinner may take in wall time before the grader gives up on it (a thread
that died leaves its dish missing and the others waiting for ever); far above the 0.3 s it needs."""

THREAD_GRACE_SECONDS = 1.0
"""Once a thread of the student's has raised, how much longer the dinner may go on."""


def kitchen_module() -> ModuleType:
    """The pack's kitchen: the one the child loaded from the pack before the student's code."""
    exercise = find_exercise("02")
    assert exercise is not None
    pack_copy = (exercise.exercise_dir / "kitchen.py").resolve()
    module = sys.modules.get("kitchen")
    if module is None or Path(module.__file__ or "").resolve() != pack_copy:
        raise CheckFailed(
            "The pack's kitchen is not the one loaded as `kitchen`.",
            advice="do not replace the module `kitchen` in sys.modules or ship your own "
            "kitchen.py: the grader always cooks in the pack's kitchen.",
        )
    return module


@dataclass
class Cooked:
    """What a run in the kitchen gave: the value returned, the kitchen, the virtual seconds."""

    value: Any
    kitchen: Any
    seconds: float
    ran: Ran


def cook_virtually(ctx: CheckContext, function_name: str,
                   kitchen_made: dict[str, float] | None = None, call: str = "",
                   **options: Any) -> Cooked:
    """Call the student's coroutine function with a fresh Kitchen (made with `kitchen_made`, by
    default the tutorial's) and run it in virtual time, time.sleep disarmed; `options` go to
    run_student."""
    function = ctx.function(function_name)
    kitchen_class = kitchen_module().Kitchen
    call = call or f"{function_name}(kitchen)"
    made: list[Any] = []

    async def cook() -> Any:
        kitchen = kitchen_class(**(kitchen_made or TUTORIAL_KITCHEN))  # in the loop: minute 0
        made.append(kitchen)
        return await require_coroutine(function(kitchen), call)

    ran = run_student(ctx, call, cook, disarm_sleep=True, **options)
    return Cooked(ran.value, made[0] if made else None, ran.seconds, ran)


def described(value: Any, kitchen: Any) -> dict[str, Any]:
    """One dish returned, in plain values: which of the kitchen's dishes it is (by its exact
    class), whether it is ready and was cooked in this kitchen; or what else it is."""
    module = kitchen_module()
    kind = type(value)
    if kind in (module.Salmon, module.RicePilaf, module.GreenBeans):
        ready = value.ready is True
        return {"dish": kind.name, "ready": ready, "mine": value._kitchen is kitchen,
                "repr": f"<{kind.name}, {'ready' if ready else 'not ready'}>"}
    return {"value": observed(value), "awaitable": inspect.isawaitable(value),
            "type": kind.__name__}


def described_dinner(value: Any, kitchen: Any) -> dict[str, Any]:
    """The dinner returned, in plain values: its kind, and each of its dishes `described`."""
    kind = type(value)
    if kind not in (tuple, list):
        return {"kind": kind.__name__, "value": observed(value)}
    items = [described(item, kitchen) for item in value[:5]]
    inner = ", ".join(item.get("repr") or str(observed(item.get("value"))) for item in items)
    return {"kind": kind.__name__, "items": items,
            "repr": f"({inner})" if kind is tuple else f"[{inner}]"}


def kitchen_record(kitchen: Any) -> list[list[Any]]:
    """The kitchen's steps, in plain values."""
    if kitchen is None:
        return []
    return [[str(s.what), str(s.action), float(s.start),
             s.minutes if type(s.minutes) in (int, float) else repr(s.minutes)]
            for s in kitchen.steps[:200]]


def cooked_in(ctx: CheckContext, function_name: str, scenario: Scenario,
              **options: Any) -> Cooked:
    return cook_virtually(ctx, function_name, scenario["kitchen"], scenario["call"], **options)


def observe_recipe(ctx: CheckContext, function_name: str, scenario: Scenario) -> dict[str, Any]:
    cooked = cooked_in(ctx, function_name, scenario)
    return {"steps": kitchen_record(cooked.kitchen), "value": described(cooked.value,
                                                                         cooked.kitchen)}


@SUITE.judged("cook_salmon preheats, dresses and bakes, in order", points=1, tags=("results",),
              sample=cooking_scenarios("cook_salmon"), judge=recipe_judge(salmon))
def salmon_recipe(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_recipe(ctx, "cook_salmon", scenario)


@SUITE.judged("cook_rice boils, simmers, fluffs and lets stand, in order", points=1,
              tags=("results",), sample=cooking_scenarios("cook_rice"), judge=recipe_judge(rice))
def rice_recipe(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_recipe(ctx, "cook_rice", scenario)


@SUITE.judged("cook_beans pokes the bag and microwaves it", points=1, tags=("results",),
              sample=cooking_scenarios("cook_beans"), judge=recipe_judge(beans))
def beans_recipe(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_recipe(ctx, "cook_beans", scenario)


def observe_dinner(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    cooked = cooked_in(ctx, "make_salmon_dinner", scenario)
    return {"steps": kitchen_record(cooked.kitchen),
            "value": described_dinner(cooked.value, cooked.kitchen), "seconds": cooked.seconds}


@SUITE.judged("make_salmon_dinner serves (salmon, rice, beans)", points=1.5, tags=("results",),
              sample=cooking_scenarios("make_salmon_dinner"), judge=judge_dinner_served)
def dinner_served(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_dinner(ctx, scenario)


@SUITE.judged("make_salmon_dinner takes as long as the longest recipe, not the sum", points=2,
              tags=("timing",), sample=cooking_scenarios("make_salmon_dinner"),
              judge=judge_dinner_overlaps)
def dinner_overlaps(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    return observe_dinner(ctx, scenario)


@SUITE.judged("nothing blocks the event loop while dinner cooks", points=1.5, tags=("blocking",),
              sample=dinner_blocking_scenarios, judge=blocking_judge(
                  summary="A recipe of yours waits by blocking: while it waits, the cook can do "
                  "nothing else, in any recipe.",
                  step_lesson="A coroutine gives the cook back only at an await. Every wait in "
                  "this kitchen is one of its appliances (or the pot's stand), and you await it.",
                  advice="await the kitchen's wait (kitchen.oven.bake(...), pot.stand(...), ...) "
                  "instead of sleeping; never time.sleep in a coroutine."))
def dinner_never_blocks(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    found = ctx.static_blocking_calls()
    ran = cooked_in(ctx, "make_salmon_dinner", scenario, watch_blocking=True,
                    keep_failure=True).ran
    found.extend(ran.blocking)
    failure = ran.failure
    if not found and failure is not None:  # no blocking call seen, but dinner never cooked
        failure.summary = "Whether dinner blocks the loop can only be told once it cooks: " + (
            failure.summary)
        raise failure
    return {"blocking": observed_blocking(found), "not_written": []}


# Threads. One run of the threaded dinner serves both threaded checks (it is the slow part): the
# parent draws its kitchen, both checks are given the same, and each observes its part of the run.

@dataclass
class ThreadedDinner:
    value: Any = None
    kitchen: Any = None
    failure: CheckFailed | None = None
    thread_errors: list[str] = field(default_factory=list)
    caller: int | None = None
    """The thread that called make_salmon_dinner_with_threads."""
    cooks: set[int] = field(default_factory=set)
    """The threads that did something in the kitchen."""


_threaded_runs: dict[tuple[tuple[str, str], str], ThreadedDinner] = {}


def threaded_dinner(ctx: CheckContext, scenario: Scenario) -> ThreadedDinner:
    """The run of the student's threaded dinner in the scenario's kitchen; a failure of the run
    (a thread that raised, a dinner that never ends) fails the check that asks."""
    function = ctx.function("make_salmon_dinner_with_threads")
    key = (code_key(function), scenario["call"])
    if key not in _threaded_runs:
        _threaded_runs[key] = _run_threaded_dinner(ctx, function, scenario)
    run = _threaded_runs[key]
    if run.failure is not None:
        raise run.failure
    return run


def _run_threaded_dinner(ctx: CheckContext, function: Any, scenario: Scenario) -> ThreadedDinner:
    """Run it in a thread of the grader's, so that a dinner that never ends (a thread died, the
    queue waits for ever) fails after THREAD_DINNER_SECONDS instead of hanging the check."""
    made = dict(scenario["kitchen"])
    run = ThreadedDinner(kitchen=kitchen_module().ThreadKitchen(
        made.pop("seconds_per_minute"), **made))
    call = scenario["call"]

    def errors_in_threads(hook_args: threading.ExceptHookArgs) -> None:
        error = hook_args.exc_value
        if error is not None:
            run.thread_errors.append(f"{type(error).__name__}: {error}\n{ctx.where(error)}")

    record_step = run.kitchen._record

    def noting_the_cook(*args: Any, **kwargs: Any) -> Any:
        run.cooks.add(threading.get_ident())
        return record_step(*args, **kwargs)

    run.kitchen._record = noting_the_cook

    def dine() -> None:
        run.caller = threading.get_ident()
        try:
            run.value = ctx.call(call, lambda: function(run.kitchen))
        except CheckFailed as failure:
            run.failure = failure

    saved_hook = threading.excepthook
    threading.excepthook = errors_in_threads
    try:
        diner = threading.Thread(target=dine, daemon=True, name="grader-dinner")
        diner.start()
        deadline = time.monotonic() + THREAD_DINNER_SECONDS
        while diner.is_alive() and time.monotonic() < deadline:
            diner.join(0.05)
            if run.thread_errors:  # a dish will likely never come: wait only a little more
                deadline = min(deadline, time.monotonic() + THREAD_GRACE_SECONDS)
    finally:
        threading.excepthook = saved_hook
    if run.failure is None and run.thread_errors:
        run.failure = CheckFailed(
            f"A thread started by {call} raised an exception, so its dish never came back.",
            details="\n".join(run.thread_errors),
        )
    elif diner.is_alive():
        run.failure = CheckFailed(
            f"{call} did not finish within {THREAD_DINNER_SECONDS:g} s; it needs well under 1 s.",
            actual="it was still waiting: for a thread that never ends, or for a dish that "
            "never came through the queue",
            advice="every thread must put its dish on the queue, and you take exactly one dish "
            "from the queue per thread.",
        )
    return run


@SUITE.judged("make_salmon_dinner_with_threads hands the dishes back through a queue",
              points=1, tags=("results",), sample=threaded_scenarios, judge=judge_threaded_served,
              draw="threaded dinner")
def threaded_dinner_served(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    run = threaded_dinner(ctx, scenario)
    return {"steps": kitchen_record(run.kitchen),
            "value": described_dinner(run.value, run.kitchen)}


@SUITE.judged("make_salmon_dinner_with_threads cooks in three threads at once", points=1,
              tags=("timing",), sample=threaded_scenarios, judge=judge_threaded_overlaps,
              draw="threaded dinner")
def threaded_dinner_overlaps(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    run = threaded_dinner(ctx, scenario)
    return {"steps": kitchen_record(run.kitchen),
            "only_the_caller_cooked": run.cooks == {run.caller}}
