"""Tests you can run yourself: `pytest exercises/02_cooking` (or `make check EXERCISE=02`).

The coroutine tests cook in virtual time (looptime): the event loop's clock jumps ahead whenever
every coroutine is waiting, so a whole dinner takes no time at all, and one kitchen minute is one
second of that clock. The threaded test cooks for real, with a kitchen minute of 5 ms.
"""

import dinner
import looptime
from kitchen import Kitchen, ThreadKitchen


def cook(recipe):
    """Run recipe(kitchen) in virtual time; give back what it returned, the kitchen, and the
    kitchen minutes it took."""
    loop = looptime.new_event_loop(start=0, end=600)
    made = []

    async def in_the_kitchen():
        kitchen = Kitchen()
        made.append(kitchen)
        return await recipe(kitchen)

    try:
        result = loop.run_until_complete(in_the_kitchen())
        return result, made[0], loop.time()
    finally:
        loop.close()


def waits(kitchen):
    """The kitchen's record of every wait: (minute it began, what, action, minutes)."""
    return [(step.start, step.what, step.action, step.minutes)
            for step in kitchen.steps if step.minutes]


def test_salmon_bakes_18_minutes_once_the_oven_is_hot():
    salmon, kitchen, minutes = cook(dinner.cook_salmon)
    assert salmon.name == "salmon" and salmon.ready and salmon.dressed
    assert waits(kitchen) == [
        (0, "oven", "preheat to 350 °F", 12),
        (12, "salmon", "bake at 350 °F", 18),
    ]
    assert minutes == 30


def test_rice_boils_simmers_and_stands():
    rice, kitchen, minutes = cook(dinner.cook_rice)
    assert rice.name == "rice pilaf" and rice.ready and rice.fluffed
    assert waits(kitchen) == [
        (0, "rice pilaf", "bring to a boil", 10),
        (10, "rice pilaf", "cover and simmer", 22),
        (32, "rice pilaf", "let stand, covered", 5),
    ]
    assert minutes == 37


def test_beans_are_poked_and_microwaved():
    beans, kitchen, minutes = cook(dinner.cook_beans)
    assert beans.name == "green beans" and beans.ready and beans.poked
    assert waits(kitchen) == [(0, "green beans", "microwave on high", 5)]
    assert minutes == 5


def test_dinner_is_salmon_rice_and_beans():
    served, _, _ = cook(dinner.make_salmon_dinner)
    assert isinstance(served, tuple)
    assert [dish.name for dish in served] == ["salmon", "rice pilaf", "green beans"]
    assert all(dish.ready for dish in served)


def test_dinner_takes_as_long_as_the_rice_not_all_recipes_added_up():
    _, _, minutes = cook(dinner.make_salmon_dinner)
    assert minutes == 37  # one recipe after another: 30 + 37 + 5 = 72


def test_threads_hand_back_the_three_dishes():
    kitchen = ThreadKitchen(seconds_per_minute=0.005)
    served = dinner.make_salmon_dinner_with_threads(kitchen)
    assert isinstance(served, tuple)
    assert [dish.name for dish in served] == ["salmon", "rice pilaf", "green beans"]
    assert all(dish.ready for dish in served)
    beans_started = next(s.start for s in kitchen.steps if s.what == "green beans")
    assert beans_started < 30, "the beans should cook while the salmon does, in a thread"
