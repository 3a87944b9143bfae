"""The contract's model of exercise 02, in the parent: the kitchens its judged checks cook in, and
what right recipes and a right dinner give in each, against which the child's observations (the
kitchen's record, the dishes returned, the kitchen minutes) are judged
(graders/kit/scenarios.py). Nothing here runs the student's code.

The recipes are the tutorial's: their own minutes (bake 18, simmer 22, stand 5, microwave 5) are
the student's to write, and fixed. How long the oven takes to preheat, a pot to boil, and a
kitchen minute to pass are the kitchen's (the pack's, never the student's), so the grader draws
them: code right only in the tutorial's kitchen (a fixed sleep, a wait for the rice alone, a
poll once a minute) is caught in another.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graders.kit import CheckFailed, Scenario, shown

TOLERANCE_MINUTES = 0.01
"""Kitchen minutes of slack: right code is exact on virtual time, this only absorbs rounding."""
BAKE_MINUTES, SIMMER_MINUTES, STAND_MINUTES, MICROWAVE_MINUTES = 18, 22, 5, 5
"""The recipes' own minutes, the tutorial's."""
TUTORIAL_KITCHEN: dict[str, float] = {"seconds_per_minute": 1.0, "preheat_minutes": 12,
                                      "boil_minutes": 10}


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

    def owns(self, step: Noted) -> bool:
        return step.what == self.dish or step.what in self.what

    def describe(self) -> str:
        lines = ["waits, in this order:"]
        lines += [f"  minute {start:5.1f}: {what}: {action} ({minutes:g} min)"
                  for what, action, start, minutes in self.timed]
        lines.append("handwork, each once, wherever the kitchen's rules allow it:")
        lines += [f"  {what}: {action}" for what, action in self.handwork]
        return "\n".join(lines)


def salmon(kitchen: dict[str, float]) -> Recipe:
    preheat = kitchen["preheat_minutes"]
    return Recipe(
        function="cook_salmon", dish="salmon", dish_class="Salmon", what=("oven",),
        timed=(("oven", "preheat to 350 °F", 0, preheat),
               ("salmon", "bake at 350 °F", preheat, BAKE_MINUTES)),
        handwork=(("salmon", "arrange the filets in a baking dish"),
                  ("salmon", "dress each filet with 2 tbsp orange-ginger dressing")),
    )


def rice(kitchen: dict[str, float]) -> Recipe:
    boil = kitchen["boil_minutes"]
    return Recipe(
        function="cook_rice", dish="rice pilaf", dish_class="RicePilaf",
        timed=(("rice pilaf", "bring to a boil", 0, boil),
               ("rice pilaf", "cover and simmer", boil, SIMMER_MINUTES),
               ("rice pilaf", "let stand, covered", round(boil + SIMMER_MINUTES, 3),
                STAND_MINUTES)),
        handwork=(("rice pilaf", "pot with 1.75 cups water, 2 tbsp butter"),
                  ("rice pilaf", "stir in rice, spices"), ("rice pilaf", "fluff with a fork")),
    )


def beans(kitchen: dict[str, float]) -> Recipe:
    return Recipe(
        function="cook_beans", dish="green beans", dish_class="GreenBeans",
        timed=(("green beans", "microwave on high", 0, MICROWAVE_MINUTES),),
        handwork=(("green beans", "take the bag out of the freezer"),
                  ("green beans", "poke the bag")),
    )


RECIPES: tuple[Callable[[dict[str, float]], Recipe], ...] = (salmon, rice, beans)
"""The dinner's recipes, in the order of its tuple."""


def dinner(kitchen: dict[str, float]) -> tuple[Recipe, ...]:
    return tuple(recipe(kitchen) for recipe in RECIPES)


@dataclass(frozen=True)
class Noted:
    """One step of the kitchen's record, as observed (the kitchen's Step, in plain values)."""

    what: str
    action: str
    start: float
    minutes: float

    @property
    def end(self) -> float:
        return self.start + self.minutes

    def __str__(self) -> str:
        took = f" ({self.minutes:g} min)" if self.minutes else ""
        return f"minute {self.start:5.1f}: {self.what}: {self.action}{took}"


def noted(seen: dict[str, Any]) -> list[Noted]:
    return [Noted(str(what), str(action), float(start), float(minutes))
            for what, action, start, minutes in seen["steps"]]


# --- The kitchens --------------------------------------------------------------------------------

# Input space of every judged check of 02 (the contract: the three recipes of the tutorial, and a
# dinner that takes about as long as the longest recipe, in the kitchen it is given): any kitchen
# the pack's kitchen.py can be, that is any length of a kitchen minute (seconds_per_minute) and
# any time for the oven to preheat and a pot to boil. Drawn: the tutorial's kitchen first; one
# whose salmon is the longest recipe; one whose rice is longest by far, with slow minutes; one
# where the salmon and the rice tie; one whose minutes pass quickly and whose appliances are
# quick. Durations are odd (tenths and hundredths, no multiple of a minute),
# so that a dinner that polls once a minute, or sleeps a fixed time, is late or early.


def odd_minutes(rng: random.Random, low: float, high: float) -> float:
    value = round(rng.uniform(low, high), 2)
    return round(value + 0.13, 2) if value.is_integer() else value


def kitchens(rng: random.Random) -> list[dict[str, float]]:
    boil = odd_minutes(rng, 1, 15)
    tie_boil = odd_minutes(rng, 1, 20)
    return [
        dict(TUTORIAL_KITCHEN),
        {"seconds_per_minute": odd_minutes(rng, 0.05, 0.9), "boil_minutes": boil,
         "preheat_minutes": round(boil + 9 + odd_minutes(rng, 0.3, 20), 2)},  # salmon longest
        {"seconds_per_minute": odd_minutes(rng, 1.5, 3), "boil_minutes": odd_minutes(rng, 12, 30),
         "preheat_minutes": odd_minutes(rng, 0.5, 8)},  # rice longest by far, slow minutes
        {"seconds_per_minute": odd_minutes(rng, 0.2, 2), "boil_minutes": tie_boil,
         "preheat_minutes": round(tie_boil + 9, 2)},  # salmon and rice due together
        {"seconds_per_minute": odd_minutes(rng, 0.01, 0.05),
         "boil_minutes": odd_minutes(rng, 0.1, 2), "preheat_minutes": odd_minutes(rng, 0.1, 2)},
    ]


def kitchen_call(kitchen: dict[str, float]) -> str:
    """The kitchen as a call of the pack's kitchen.py, its defaults left out."""
    defaults = {"seconds_per_minute": 1.0, "preheat_minutes": 12, "boil_minutes": 10}
    given = [f"{name}={value:g}" for name, value in kitchen.items() if value != defaults[name]]
    return f"Kitchen({', '.join(given)})"


def cooking_scenarios(function: str) -> Callable[[random.Random], list[Scenario]]:
    """One scenario per kitchen: `function(Kitchen(...))`, the tutorial's kitchen first."""
    def sample(rng: random.Random) -> list[Scenario]:
        return [{"call": f"{function}({kitchen_call(kitchen)})", "kitchen": kitchen, "size": i}
                for i, kitchen in enumerate(kitchens(rng))]
    return sample


def dinner_blocking_scenarios(rng: random.Random) -> list[Scenario]:
    """The blocking check's one dinner, in the tutorial's kitchen: whether code blocks is a
    matter of what it calls, which a kitchen does not change, and a dinner wrong only in another
    kitchen (one that waits for the rice alone) must not fail this check by the seed."""
    return cooking_scenarios("make_salmon_dinner")(rng)[:1]


# --- Judging a recipe ----------------------------------------------------------------------------


def compare_steps(call: str, recipe: Recipe, steps: list[Noted], *, exact_times: bool,
                  origin: float | None = None) -> None:
    """The recipe's waits in order with their durations (and, when exact, start times from
    `origin`, by default the recipe's first step), and its handwork, each once."""
    if origin is None:
        origin = min((step.start for step in steps), default=0.0)
    timed = [(s.what, s.action, round(s.start - origin, 3), s.minutes) for s in steps if s.minutes]
    handwork = sorted((s.what, s.action) for s in steps if not s.minutes)
    expected_timed = [(what, action, round(start, 3), minutes)
                      for what, action, start, minutes in recipe.timed]
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
        "with the recipe's minutes, and nothing else may wait in between (the kitchen decides "
        "how long its own steps take: await them rather than a number of minutes).",
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


def require_dish(call: str, dish: Any, recipe: Recipe, position: str = "") -> None:
    """`dish` (an observed dish: graders/suites/cooking.py's `described`) is the dish this
    kitchen cooked for the recipe, and it is ready."""
    where = f"{position} of what {call} returned" if position else f"what {call} returned"
    where = where[0].upper() + where[1:]
    is_dish = isinstance(dish, dict) and "dish" in dish
    if is_dish and dish["mine"] and dish["dish"] != recipe.dish:
        raise CheckFailed(
            f"{where} is the {dish['dish']}, not the {recipe.dish}.",
            expected="(salmon, rice, beans), in that order",
            advice="dishes that come back through a queue come in the order they were done, "
            "the beans first: send each with its place (or its name) and put them in order."
            if "threads" in call else "return the dishes in the order of the dinner's tuple.",
        )
    if not is_dish or not dish["mine"]:
        raise CheckFailed(
            f"{where} is not the {recipe.dish} cooked in the kitchen it was given.",
            expected=f"the {recipe.dish} object the kitchen gave you, cooked",
            actual=dish["repr"] if is_dish else shown(dish.get("value")),
            advice=f"return the {recipe.dish} you cooked, the object the kitchen handed you; "
            "a coroutine you called is not its result until you await it.",
        )
    if not dish["ready"]:
        raise CheckFailed(
            f"{where}, the {recipe.dish}, is not ready.",
            expected=f"the {recipe.dish} after the recipe's last step",
            actual=dish["repr"],
            advice="await every step of the recipe before you return the dish.",
        )


def recipe_judge(recipe_of: Callable[[dict[str, float]], Recipe]
                 ) -> Callable[[Scenario, Any], None]:
    """The judge of one recipe cooked alone: its record from minute 0, and its dish."""
    def judge(scenario: Scenario, seen: dict[str, Any]) -> None:
        recipe = recipe_of(scenario["kitchen"])
        compare_steps(scenario["call"], recipe, noted(seen), exact_times=True, origin=0.0)
        require_dish(scenario["call"], seen["value"], recipe)
    return judge


# --- Judging the dinner --------------------------------------------------------------------------


def require_dinner(call: str, seen: dict[str, Any], recipes: tuple[Recipe, ...], *,
                   exact_times: bool) -> None:
    """The dinner observed (its value as `described`, the kitchen's record) is the three dishes,
    each cooked as its recipe says."""
    value = seen["value"]
    items = value.get("items") if isinstance(value, dict) else None
    if value.get("kind") != "tuple" or items is None or len(items) != 3:
        raise CheckFailed(
            f"{call} did not return the dinner as a tuple of three dishes.",
            expected="(salmon, rice, beans): a tuple of the three dishes, in that order",
            actual=value.get("repr") or shown(value.get("value")),
        )
    unfinished = [item["type"] for item in items if item.get("awaitable")]
    if unfinished:
        never = (" A coroutine that is called but never awaited never runs: its recipe was "
                 "never cooked." if "coroutine" in unfinished else "")
        raise CheckFailed(
            f"{call} returned {', '.join(unfinished)} objects among the dishes: something still "
            f"to wait for, not what it cooks.{never}",
            expected="(salmon, rice, beans): the dishes themselves, cooked",
            actual="(" + ", ".join(item["type"] for item in items) + ")",
            advice="wait for the recipes before you serve: await a coroutine or a task for "
            "its result (task.result() gives it once the task is done).",
        )
    steps = noted(seen)
    for recipe in recipes:
        compare_steps(call, recipe, [step for step in steps if recipe.owns(step)],
                      exact_times=exact_times)
    for position, recipe, dish in zip(("the first", "the second", "the third"), recipes, items,
                                      strict=True):
        require_dish(call, dish, recipe, position)


def judge_dinner_served(scenario: Scenario, seen: dict[str, Any]) -> None:
    require_dinner(scenario["call"], seen, dinner(scenario["kitchen"]), exact_times=True)


def recipe_minutes(kitchen: dict[str, float], steps: list[Noted]) -> dict[str, float]:
    """How long each recipe took in the dinner, by dish: from its first step to the end of its
    last, as the kitchen recorded them (so that a recipe's own mistake, such as a bake too
    long, is charged once, by its own check); the contract's minutes for a recipe never cooked."""
    minutes = {}
    for recipe in dinner(kitchen):
        own = [step for step in steps if recipe.owns(step)]
        minutes[recipe.dish] = (max(step.end for step in own) - min(step.start for step in own)
                                if own else recipe.minutes)
    return minutes


def judge_dinner_overlaps(scenario: Scenario, seen: dict[str, Any]) -> None:
    kitchen, call = scenario["kitchen"], scenario["call"]
    minutes = float(seen["seconds"]) / kitchen["seconds_per_minute"]
    durations = recipe_minutes(kitchen, noted(seen))
    longest = max(durations, key=lambda dish: durations[dish])
    if abs(minutes - durations[longest]) <= TOLERANCE_MINUTES:
        return
    timeline = side_by_side(noted(seen), dinner(kitchen))
    if minutes > durations[longest]:
        raise CheckFailed(
            f"{call}: dinner took {minutes:g} kitchen minutes: the recipes did not all cook at "
            "the same time, or the dinner waited longer than its recipes.",
            expected=f"{durations[longest]:g} minutes, as long as the longest recipe (the "
            f"{longest}, in this kitchen); one recipe after another takes "
            f"{sum(durations.values()):g}",
            actual=f"{minutes:g} minutes",
            advice="start all three recipes before you wait for any of them (tasks, gather or "
            "a TaskGroup), then wait for all three to finish, however long each takes in this "
            "kitchen: awaiting one recipe's coroutine runs it to the end before the next, and "
            "a wait of your own (a sleep, a poll) ends when it likes, not when the dishes do.",
            timeline=timeline,
        )
    raise CheckFailed(
        f"{call}: dinner took only {minutes:g} kitchen minutes, less than the {longest} alone.",
        expected=f"{durations[longest]:g} minutes",
        actual=f"{minutes:g} minutes",
        advice="every wait of the recipes must be one of the kitchen's, awaited: a wait that "
        "is skipped, or done with time.sleep, takes no kitchen time.",
        timeline=timeline,
    )


def side_by_side(steps: list[Noted], recipes: tuple[Recipe, ...]) -> str:
    """The student's dinner next to the one expected, one timed step a row."""
    mine = [str(step) for step in steps if step.minutes]
    expected = sorted(
        (start, f"minute {start:5.1f}: {what}: {action} ({minutes:g} min)")
        for recipe in recipes for what, action, start, minutes in recipe.timed
    )
    width = max(len(line) for line in [*mine, "Your dinner:"]) + 4
    rows = [f"{'Your dinner:':<{width}}All at once:"]
    for index in range(max(len(mine), len(expected))):
        left = mine[index] if index < len(mine) else ""
        right = expected[index][1] if index < len(expected) else ""
        rows.append(f"  {left:<{width - 2}}{right}".rstrip())
    return "\n".join(rows)


# --- The threaded dinner -------------------------------------------------------------------------

# Input space of the threaded checks: the same recipes in a ThreadKitchen, which really waits
# (threads cannot run in virtual time), scaled down to THREAD_SECONDS_PER_MINUTE. What the kitchen
# can change is how long each recipe takes, and so the order in which the dishes come back: in the
# tutorial's kitchen the beans come first, then the salmon, then the rice. One kitchen is drawn,
# whose salmon is the longest recipe by at least six minutes (its dishes come back beans, rice,
# salmon), so that a dinner that takes the dishes off the queue in the order the tutorial's
# kitchen sends them serves them in the wrong places. One only: each dinner costs real time (about
# 0.3 s), and the verdicts must not depend on the machine's load (see `judge_recipes_overlap`).

THREAD_SECONDS_PER_MINUTE = 0.008
"""Real seconds per kitchen minute in the threaded checks: the threaded dinner takes under 40
kitchen minutes, about 0.3 s, and the shortest recipe (beans, 5 minutes) lasts 40 ms, which is the
slack a thread may start late and still count as cooking at the same time as the others."""


def thread_kitchen(rng: random.Random) -> dict[str, float]:
    """A kitchen whose salmon is the longest recipe by six minutes or more, rice the second."""
    return {"seconds_per_minute": THREAD_SECONDS_PER_MINUTE,
            "preheat_minutes": odd_minutes(rng, 17, 20), "boil_minutes": odd_minutes(rng, 0.5, 2)}


def thread_kitchen_call(kitchen: dict[str, float]) -> str:
    given = [f"{name}={value:g}" for name, value in kitchen.items()]
    return f"ThreadKitchen({', '.join(given)})"


def threaded_scenarios(rng: random.Random) -> list[Scenario]:
    kitchen = thread_kitchen(rng)
    return [{"call": f"make_salmon_dinner_with_threads({thread_kitchen_call(kitchen)})",
             "kitchen": kitchen}]


def judge_threaded_served(scenario: Scenario, seen: dict[str, Any]) -> None:
    call = scenario["call"]
    items = seen["value"].get("items") or []
    if seen["value"].get("kind") == "tuple" and any(
            item.get("type") == "NoneType" for item in items):
        raise CheckFailed(
            f"{call} returned {seen['value'].get('repr')}: some dishes were lost.",
            advice="a thread's target returns into the void: Thread keeps no return value, "
            "so each thread puts its dish on a queue.Queue. Then take exactly one dish off it "
            "per thread: queue.get() waits for the next dish to come, while queue.empty() only "
            "tells whether one has come yet.",
        )
    require_dinner(call, seen, dinner(scenario["kitchen"]), exact_times=False)


def judge_threaded_overlaps(scenario: Scenario, seen: dict[str, Any]) -> None:
    if seen["only_the_caller_cooked"]:
        raise CheckFailed(
            "Every recipe cooked in the thread that called make_salmon_dinner_with_threads, "
            "one after another: no thread of yours cooked anything.",
            details="\n".join(str(step) for step in noted(seen) if step.minutes),
            why="Only a thread that runs its function by itself can cook while the others do.",
            advice="Thread(target=f, args=(...,)) gets the function and its arguments, "
            "uncalled: target=f(...) calls f at once, in your thread, and gives the thread f's "
            "result. And thread.start() runs the target in the new thread; thread.run() runs "
            "it in yours.",
        )
    judge_recipes_overlap(noted(seen), dinner(scenario["kitchen"]))


def judge_recipes_overlap(steps: list[Noted], recipes: tuple[Recipe, ...]) -> None:
    """Each recipe's time in the kitchen overlaps each other's.

    Robust on a loaded machine: a wait never ends before its time (time.sleep sleeps at least that
    long), so recipes cooked one after another can never overlap, however slow the machine; and
    recipes started side by side overlap unless a thread starts more than the beans' 5 minutes
    (40 ms) after another has finished, which no load short of a frozen machine causes.
    """
    spans = {}
    for recipe in recipes:
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
