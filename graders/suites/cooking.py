"""Exercise 02: cooking dinner concurrently, with coroutines and then with threads.

The recipes cook in the pack's kitchen (exercises/02_cooking/kitchen.py), which writes down every
step with its kitchen minute and refuses steps that break its rules. The grader reads that record.

Coroutines run in virtual time: one kitchen minute is one second of a looptime loop's clock, so
the whole hour of cooking these checks cover costs no wall time, and every duration is exact.
time.sleep is disarmed during those checks (it returns at once, with exercise 03's recorder), so
a recipe that calls it cannot make the grader wait; the blocking check catches it.

Threads cannot run in virtual time: their kitchen (ThreadKitchen) really waits, scaled down to
THREAD_SECONDS_PER_MINUTE. The threaded verdicts are chosen so that a slow, loaded machine cannot
flip them (see `recipes_overlap`).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from graders.kit import (
    CheckContext,
    CheckFailed,
    Ran,
    Suite,
    fail_on_blocking_calls,
    require_coroutine,
    run_student,
)
from graders.manifest import find_exercise

SUITE = Suite()

THREAD_SECONDS_PER_MINUTE = 0.008
"""Real seconds per kitchen minute in the threaded checks: the threaded dinner takes 37 kitchen
minutes, about 0.3 s, and the shortest recipe (beans, 5 minutes) lasts 40 ms, which is the slack a
thread may start late and still count as cooking at the same time as the others."""
THREAD_DINNER_SECONDS = 5.0
"""How long the threaded dinner may take in wall time before the grader gives up on it (a thread
that died leaves its dish missing and the others waiting for ever); far above the 0.3 s it needs."""

THREAD_GRACE_SECONDS = 1.0
"""Once a thread of the student's has raised, how much longer the dinner may go on."""


@dataclass(frozen=True)
class Recipe:
    """A recipe as the kitchen should record it, when cooked alone from minute 0."""

    function: str
    """The student's coroutine that cooks it."""
    dish: str
    """The dish's name in the kitchen's record."""
    dish_class: str
    """The kitchen's class for the dish."""
    timed: tuple[tuple[str, str, float, float], ...]
    """Waits in order: (what, action, start minute, minutes)."""
    handwork: tuple[tuple[str, str], ...]
    """Handwork (what, action), in any order the kitchen's rules allow."""
    what: tuple[str, ...] = field(default=())
    """Names in the record that belong to this recipe besides the dish (the oven)."""

    @property
    def minutes(self) -> float:
        return max(start + minutes for _, _, start, minutes in self.timed)

    def owns(self, step: Any) -> bool:
        return step.what == self.dish or step.what in self.what

    def describe(self) -> str:
        lines = ["waits, in this order:"]
        lines += [f"  minute {start:5.1f}: {what}: {action} ({minutes:g} min)"
                  for what, action, start, minutes in self.timed]
        lines.append("handwork, each once, wherever the kitchen's rules allow it:")
        lines += [f"  {what}: {action}" for what, action in self.handwork]
        return "\n".join(lines)


SALMON = Recipe(
    function="cook_salmon", dish="salmon", dish_class="Salmon", what=("oven",),
    timed=(("oven", "preheat to 350 °F", 0, 12), ("salmon", "bake at 350 °F", 12, 18)),
    handwork=(("salmon", "arrange the filets in a baking dish"),
              ("salmon", "dress each filet with 2 tbsp orange-ginger dressing")),
)
RICE = Recipe(
    function="cook_rice", dish="rice pilaf", dish_class="RicePilaf",
    timed=(("rice pilaf", "bring to a boil", 0, 10), ("rice pilaf", "cover and simmer", 10, 22),
           ("rice pilaf", "let stand, covered", 32, 5)),
    handwork=(("rice pilaf", "pot with 1.75 cups water, 2 tbsp butter"),
              ("rice pilaf", "stir in rice, spices"), ("rice pilaf", "fluff with a fork")),
)
BEANS = Recipe(
    function="cook_beans", dish="green beans", dish_class="GreenBeans",
    timed=(("green beans", "microwave on high", 0, 5),),
    handwork=(("green beans", "take the bag out of the freezer"),
              ("green beans", "poke the bag")),
)
DINNER = (SALMON, RICE, BEANS)
DINNER_MINUTES = max(recipe.minutes for recipe in DINNER)
ONE_AFTER_ANOTHER_MINUTES = sum(recipe.minutes for recipe in DINNER)
SLOWEST_PARTLY_CONCURRENT = DINNER_MINUTES + BEANS.minutes
"""The fastest wrong dinner: the beans after everything else (42 minutes)."""


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
    """What a run in the kitchen gave: the value returned, the kitchen, the virtual minutes."""

    value: Any
    kitchen: Any
    minutes: float
    ran: Ran


def cook_virtually(ctx: CheckContext, function_name: str, **options: Any) -> Cooked:
    """Call the student's coroutine function with a fresh Kitchen and run it in virtual time,
    time.sleep disarmed; `options` go to run_student."""
    function = ctx.function(function_name)
    kitchen_class = kitchen_module().Kitchen
    call = f"{function_name}(kitchen)"
    made: list[Any] = []

    async def cook() -> Any:
        kitchen = kitchen_class()  # inside the loop: its clock starts at minute 0
        made.append(kitchen)
        return await require_coroutine(function(kitchen), call)

    ran = run_student(ctx, call, cook, disarm_sleep=True, **options)
    return Cooked(ran.value, made[0] if made else None, ran.seconds, ran)


def record_of(kitchen: Any, recipe: Recipe) -> list[Any]:
    return [step for step in kitchen.steps if recipe.owns(step)]


def compare_steps(
    call: str, recipe: Recipe, steps: list[Any], *, exact_times: bool, origin: float | None = None
) -> None:
    """The recipe's waits in order with their durations (and, when exact, start times from
    `origin`, by default the recipe's first step), and its handwork, each once."""
    if origin is None:
        origin = min((step.start for step in steps), default=0.0)
    timed = [(s.what, s.action, round(s.start - origin, 3), s.minutes) for s in steps if s.minutes]
    handwork = sorted((s.what, s.action) for s in steps if not s.minutes)
    expected_timed = list(recipe.timed)
    if not exact_times:
        timed = [(what, action, 0, minutes) for what, action, _, minutes in timed]
        expected_timed = [(what, action, 0, minutes) for what, action, _, minutes in expected_timed]
    if timed == expected_timed and handwork == sorted(recipe.handwork):
        return
    problems = _differences(expected_timed, timed, sorted(recipe.handwork), handwork)
    raise CheckFailed(
        f"{call} did not follow the {recipe.dish} recipe.",
        expected=recipe.describe(),
        actual="\n".join(str(step) for step in steps) or "no step at all in the kitchen",
        details="\n".join(problems),
        advice="compare the kitchen's record with the recipe: every wait must be awaited, "
        "with the recipe's minutes, and nothing else may wait in between.",
    )


def _differences(expected_timed: list, timed: list, expected_hand: list, hand: list) -> list[str]:
    problems = []
    missing = [step for step in expected_timed if step not in timed]
    extra = [step for step in timed if step not in expected_timed]
    problems += [f"missing wait: {what}: {action} ({minutes:g} min)"
                 + (f" at minute {start:g}" if start else "")
                 for what, action, start, minutes in missing]
    problems += [f"unexpected wait: {what}: {action} ({minutes:g} min)"
                 + (f" at minute {start:g}" if start else "")
                 for what, action, start, minutes in extra]
    if not missing and not extra and timed != expected_timed:
        problems.append("the waits are all there, but in another order")
    problems += [f"missing handwork: {what}: {action}"
                 for what, action in expected_hand if hand.count((what, action)) <
                 expected_hand.count((what, action))]
    problems += [f"unexpected handwork: {what}: {action}"
                 for what, action in sorted(set(hand)) if hand.count((what, action)) >
                 expected_hand.count((what, action))]
    return problems


def require_dish(call: str, value: Any, recipe: Recipe, kitchen: Any, position: str = "") -> None:
    """`value` is the dish this kitchen cooked for the recipe, and it is ready."""
    dish_class = getattr(kitchen_module(), recipe.dish_class)
    where = f"{position} of what {call} returned" if position else f"what {call} returned"
    where = where[0].upper() + where[1:]
    other_dish = isinstance(value, kitchen_module().Dish) and value._kitchen is kitchen
    if other_dish and value.name != recipe.dish:
        raise CheckFailed(
            f"{where} is the {value.name}, not the {recipe.dish}.",
            expected="(salmon, rice, beans), in that order",
            advice="dishes that come back through a queue come in the order they were done, "
            "the beans first: send each with its place (or its name) and put them in order."
            if "threads" in call else "return the dishes in the order of the dinner's tuple.",
        )
    if not isinstance(value, dish_class) or value._kitchen is not kitchen:
        raise CheckFailed(
            f"{where} is not the {recipe.dish} cooked in the kitchen it was given.",
            expected=f"the {recipe.dish} object the kitchen gave you, cooked",
            actual=repr(value),
            advice=f"return the {recipe.dish} you cooked, the object the kitchen handed you; "
            "a coroutine you called is not its result until you await it.",
        )
    if not value.ready:
        raise CheckFailed(
            f"{where}, the {recipe.dish}, is not ready.",
            expected=f"the {recipe.dish} after the recipe's last step",
            actual=repr(value),
            advice="await every step of the recipe before you return the dish.",
        )


def check_recipe_alone(ctx: CheckContext, recipe: Recipe) -> None:
    call = f"{recipe.function}(kitchen)"
    cooked = cook_virtually(ctx, recipe.function)
    compare_steps(call, recipe, cooked.kitchen.steps, exact_times=True, origin=0.0)
    require_dish(call, cooked.value, recipe, cooked.kitchen)


@SUITE.check("cook_salmon preheats, dresses and bakes, in order", points=1, tags=("results",))
def salmon_recipe(ctx: CheckContext) -> None:
    check_recipe_alone(ctx, SALMON)


@SUITE.check("cook_rice boils, simmers, fluffs and lets stand, in order", points=1,
             tags=("results",))
def rice_recipe(ctx: CheckContext) -> None:
    check_recipe_alone(ctx, RICE)


@SUITE.check("cook_beans pokes the bag and microwaves it", points=1, tags=("results",))
def beans_recipe(ctx: CheckContext) -> None:
    check_recipe_alone(ctx, BEANS)


def require_dinner(call: str, value: Any, kitchen: Any, *, exact_times: bool) -> None:
    if not isinstance(value, tuple) or len(value) != 3:
        raise CheckFailed(
            f"{call} did not return the dinner as a tuple of three dishes.",
            expected="(salmon, rice, beans): a tuple of the three dishes, in that order",
            actual=repr(value),
        )
    unfinished = [dish for dish in value if isinstance(dish, Awaitable)]
    if unfinished:
        raise CheckFailed(
            f"{call} returned {', '.join(type(dish).__name__ for dish in unfinished)} objects "
            "among the dishes: something still to wait for, not what it cooks.",
            expected="(salmon, rice, beans): the dishes themselves, cooked",
            actual="(" + ", ".join(type(dish).__name__ for dish in value) + ")",
            advice="wait for the recipes before you serve: await a coroutine or a task for "
            "its result (task.result() gives it once the task is done).",
        )
    for recipe in DINNER:
        compare_steps(call, recipe, record_of(kitchen, recipe), exact_times=exact_times)
    for position, recipe, dish in zip(("the first", "the second", "the third"), DINNER, value,
                                      strict=True):
        require_dish(call, dish, recipe, kitchen, position)


@SUITE.check("make_salmon_dinner serves (salmon, rice, beans)", points=1.5, tags=("results",))
def dinner_served(ctx: CheckContext) -> None:
    cooked = cook_virtually(ctx, "make_salmon_dinner")
    require_dinner("make_salmon_dinner(kitchen)", cooked.value, cooked.kitchen, exact_times=True)


@SUITE.check("make_salmon_dinner takes as long as the rice, not the sum", points=2,
             tags=("timing",))
def dinner_overlaps(ctx: CheckContext) -> None:
    cooked = cook_virtually(ctx, "make_salmon_dinner")
    if DINNER_MINUTES - 0.01 <= cooked.minutes < SLOWEST_PARTLY_CONCURRENT:
        return
    ctx.timeline = side_by_side(cooked.kitchen.steps)
    if cooked.minutes > DINNER_MINUTES:
        raise CheckFailed(
            f"Dinner took {cooked.minutes:g} kitchen minutes: the recipes did not all cook at "
            "the same time.",
            expected=f"{DINNER_MINUTES:g} minutes, as long as the longest recipe (the rice); "
            f"one recipe after another takes {ONE_AFTER_ANOTHER_MINUTES:g}",
            actual=f"{cooked.minutes:g} minutes",
            advice="start all three recipes before you wait for any of them (tasks, gather or "
            "a TaskGroup): awaiting one recipe's coroutine runs it to the end before the next.",
        )
    raise CheckFailed(
        f"Dinner took only {cooked.minutes:g} kitchen minutes, less than the rice alone.",
        expected=f"{DINNER_MINUTES:g} minutes",
        actual=f"{cooked.minutes:g} minutes",
        advice="every wait of the recipes must be one of the kitchen's, awaited: a wait that "
        "is skipped, or done with time.sleep, takes no kitchen time.",
    )


def side_by_side(steps: list[Any]) -> str:
    """The student's dinner next to the one expected, one timed step a row."""
    mine = [str(step) for step in steps if step.minutes]
    expected = sorted(
        (start, f"minute {start:5.1f}: {what}: {action} ({minutes:g} min)")
        for recipe in DINNER for what, action, start, minutes in recipe.timed
    )
    width = max(len(line) for line in [*mine, "Your dinner:"]) + 4
    rows = [f"{'Your dinner:':<{width}}All at once:"]
    for index in range(max(len(mine), len(expected))):
        left = mine[index] if index < len(mine) else ""
        right = expected[index][1] if index < len(expected) else ""
        rows.append(f"  {left:<{width - 2}}{right}".rstrip())
    return "\n".join(rows)


@SUITE.check("nothing blocks the event loop while dinner cooks", points=1.5, tags=("blocking",))
def dinner_never_blocks(ctx: CheckContext) -> None:
    found = ctx.static_blocking_calls()
    ran = cook_virtually(ctx, "make_salmon_dinner", watch_blocking=True, keep_failure=True).ran
    failure = ran.failure
    fail_on_blocking_calls(
        [*found, *ran.blocking],
        summary="A recipe of yours waits by blocking: while it waits, the cook can do nothing "
        "else, in any recipe.",
        step_lesson="A coroutine gives the cook back only at an await. Every wait in this "
        "kitchen is one of its appliances (or the pot's stand), and you await it.",
        advice="await the kitchen's wait (kitchen.oven.bake(...), pot.stand(...), ...) instead "
        "of sleeping; never time.sleep in a coroutine.",
    )
    if failure is not None:  # no blocking call seen, but the dinner never cooked to the end
        failure.summary = "Whether dinner blocks the loop can only be told once it cooks: " + (
            failure.summary)
        raise failure


# Threads. One run of the threaded dinner serves both threaded checks (it is the slow part).

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


_threaded_runs: dict[int, ThreadedDinner] = {}


def threaded_dinner(ctx: CheckContext) -> ThreadedDinner:
    function = ctx.function("make_salmon_dinner_with_threads")
    if id(function) not in _threaded_runs:
        _threaded_runs[id(function)] = _run_threaded_dinner(ctx, function)
    return _threaded_runs[id(function)]


def _run_threaded_dinner(ctx: CheckContext, function: Any) -> ThreadedDinner:
    """Run it in a thread of the grader's, so that a dinner that never ends (a thread died, the
    queue waits for ever) fails after THREAD_DINNER_SECONDS instead of hanging the check."""
    run = ThreadedDinner(kitchen=kitchen_module().ThreadKitchen(THREAD_SECONDS_PER_MINUTE))
    call = "make_salmon_dinner_with_threads(kitchen)"

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


@SUITE.check("make_salmon_dinner_with_threads hands the dishes back through a queue",
             points=1, tags=("results",))
def threaded_dinner_served(ctx: CheckContext) -> None:
    run = threaded_dinner(ctx)
    if run.failure is not None:
        raise run.failure
    call = "make_salmon_dinner_with_threads(kitchen)"
    if isinstance(run.value, tuple) and any(dish is None for dish in run.value):
        raise CheckFailed(
            f"{call} returned {run.value!r}: some dishes were lost.",
            advice="a thread's target returns into the void: Thread keeps no return value, "
            "so each thread puts its dish on a queue.Queue. Then take exactly one dish off it "
            "per thread: queue.get() waits for the next dish to come, while queue.empty() only "
            "tells whether one has come yet.",
        )
    require_dinner(call, run.value, run.kitchen, exact_times=False)


@SUITE.check("make_salmon_dinner_with_threads cooks in three threads at once", points=1,
             tags=("timing",))
def threaded_dinner_overlaps(ctx: CheckContext) -> None:
    run = threaded_dinner(ctx)
    if run.failure is not None:
        raise run.failure
    if run.cooks == {run.caller}:
        raise CheckFailed(
            "Every recipe cooked in the thread that called make_salmon_dinner_with_threads, "
            "one after another: no thread of yours cooked anything.",
            details="\n".join(str(step) for step in run.kitchen.steps if step.minutes),
            why="Only a thread that runs its function by itself can cook while the others do.",
            advice="Thread(target=f, args=(...,)) gets the function and its arguments, "
            "uncalled: target=f(...) calls f at once, in your thread, and gives the thread f's "
            "result. And thread.start() runs the target in the new thread; thread.run() runs "
            "it in yours.",
        )
    recipes_overlap(run.kitchen.steps)


def recipes_overlap(steps: list[Any]) -> None:
    """Each recipe's time in the kitchen overlaps each other's.

    Robust on a loaded machine: a wait never ends before its time (time.sleep sleeps at least that
    long), so recipes cooked one after another can never overlap, however slow the machine; and
    recipes started side by side overlap unless a thread starts more than the beans' 5 minutes
    (40 ms) after another has finished, which no load short of a frozen machine causes.
    """
    spans = {}
    for recipe in DINNER:
        mine = [step for step in steps if recipe.owns(step)]
        if not mine:
            raise CheckFailed(f"The kitchen recorded no step of the {recipe.dish} at all.")
        spans[recipe.dish] = (min(s.start for s in mine), max(s.end for s in mine))
    apart = [
        (a, b) for i, a in enumerate(spans) for b in list(spans)[i + 1:]
        if not (spans[a][0] < spans[b][1] and spans[b][0] < spans[a][1])
    ]
    if apart:
        raise CheckFailed(
            "The threaded dinner did not cook its recipes at the same time: "
            + "; ".join(f"the {a} and the {b} never cooked together" for a, b in apart) + ".",
            details="\n".join(str(step) for step in steps if step.minutes),
            advice="start all three threads first, and only then wait for them (join, or take "
            "the dishes off the queue); starting one and joining it before the next cooks one "
            "recipe after another.",
        )
