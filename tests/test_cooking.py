"""Exercise 02's kitchen and grader: the kitchen's rules and record, and the threaded verdict."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import threading
from pathlib import Path
from types import ModuleType

import looptime
import pytest
from conftest import grade_folder, make_submission, solution_files

from graders.kit.checks import CheckFailed
from graders.manifest import find_exercise
from graders.suites.models.cooking import TUTORIAL_KITCHEN, dinner, judge_recipes_overlap

EXERCISE = find_exercise("02")
assert EXERCISE is not None


def load_kitchen() -> ModuleType:
    """The pack's kitchen, under a name of its own (the grader's child loads it as `kitchen`)."""
    spec = importlib.util.spec_from_file_location(
        "kitchen_under_test", EXERCISE.exercise_dir / "kitchen.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


kitchen_module = load_kitchen()
KitchenError = kitchen_module.KitchenError


def in_virtual_time(make_coroutine):
    """Run make_coroutine(kitchen) on a looptime loop; give back (result, kitchen, minutes)."""
    loop = looptime.new_event_loop(start=0, end=600)
    made = []

    async def run():
        kitchen = kitchen_module.Kitchen()
        made.append(kitchen)
        return await make_coroutine(kitchen)

    try:
        return loop.run_until_complete(run()), made[0], loop.time()
    finally:
        loop.close()


async def preheated(kitchen):
    await kitchen.oven.preheat(350)
    return kitchen


def test_waits_take_their_minutes_and_are_written_down_with_their_start():
    async def bake(kitchen):
        await kitchen.oven.preheat(350)
        salmon = kitchen.arrange_filets()
        salmon.dress("orange-ginger dressing", tbsp_each=2)
        await kitchen.oven.bake(salmon, minutes=18)
        return salmon

    salmon, kitchen, minutes = in_virtual_time(bake)
    assert minutes == 30 and salmon.ready
    assert [(s.start, s.what, s.action, s.minutes) for s in kitchen.steps] == [
        (0, "oven", "preheat to 350 °F", 12),
        (12, "salmon", "arrange the filets in a baking dish", 0),
        (12, "salmon", "dress each filet with 2 tbsp orange-ginger dressing", 0),
        (12, "salmon", "bake at 350 °F", 18),
    ]


def test_baking_in_a_cold_oven_is_refused():
    async def bake_cold(kitchen):
        salmon = kitchen.arrange_filets()
        salmon.dress("orange-ginger dressing", tbsp_each=2)
        await kitchen.oven.bake(salmon, minutes=18)

    with pytest.raises(KitchenError, match="oven is cold"):
        in_virtual_time(bake_cold)


def test_baking_while_the_oven_preheats_is_refused():
    async def bake_too_soon(kitchen):
        preheating = asyncio.create_task(kitchen.oven.preheat(350))
        await asyncio.sleep(1)
        salmon = kitchen.arrange_filets()
        salmon.dress("orange-ginger dressing", tbsp_each=2)
        try:
            await kitchen.oven.bake(salmon, minutes=18)
        finally:
            preheating.cancel()

    with pytest.raises(KitchenError, match="still preheating"):
        in_virtual_time(bake_too_soon)


def test_undressed_salmon_stays_out_of_the_oven():
    async def bake_plain(kitchen):
        await kitchen.oven.preheat(350)
        await kitchen.oven.bake(kitchen.arrange_filets(), minutes=18)

    with pytest.raises(KitchenError, match="Dress the salmon"):
        in_virtual_time(bake_plain)


def test_rice_goes_only_into_boiling_water():
    async def cold_rice(kitchen):
        kitchen.fill_pot(water_cups=1.75, butter_tbsp=2).stir_in("rice", "spices")

    with pytest.raises(KitchenError, match="boiling water"):
        in_virtual_time(cold_rice)


def test_rice_must_simmer_before_it_is_fluffed_and_fluffed_before_it_stands():
    async def unsimmered(kitchen):
        pot = kitchen.fill_pot(water_cups=1.75, butter_tbsp=2)
        await kitchen.stove.boil(pot)
        pot.stir_in("rice", "spices")
        pot.fluff()

    async def unfluffed(kitchen):
        pot = kitchen.fill_pot(water_cups=1.75, butter_tbsp=2)
        await kitchen.stove.boil(pot)
        pot.stir_in("rice", "spices")
        await kitchen.stove.simmer(pot, minutes=22)
        await pot.stand(minutes=5)

    with pytest.raises(KitchenError, match="simmer the rice first"):
        in_virtual_time(unsimmered)
    with pytest.raises(KitchenError, match="Fluff the rice"):
        in_virtual_time(unfluffed)


def test_the_microwave_takes_one_dish_at_a_time_and_only_poked_bags():
    async def two_at_once(kitchen):
        first, second = kitchen.bag_of_green_beans(), kitchen.bag_of_green_beans()
        first.poke()
        second.poke()
        await asyncio.gather(kitchen.microwave.cook(first, minutes=5),
                             kitchen.microwave.cook(second, minutes=5))

    async def unpoked(kitchen):
        await kitchen.microwave.cook(kitchen.bag_of_green_beans(), minutes=5)

    with pytest.raises(KitchenError, match="one dish in the microwave at a time"):
        in_virtual_time(two_at_once)
    with pytest.raises(KitchenError, match="Poke the bag"):
        in_virtual_time(unpoked)


def test_a_wait_never_awaited_is_named_after_its_step():
    kitchen = kitchen_module.Kitchen()
    waiting = kitchen.oven.preheat(350)
    assert waiting.__qualname__ == "kitchen.oven.preheat"
    waiting.close()
    assert kitchen.steps == []


def test_thread_kitchen_waits_block_and_threads_share_it_safely():
    kitchen = kitchen_module.ThreadKitchen(seconds_per_minute=0.002)
    dishes = []

    def beans():
        bag = kitchen.bag_of_green_beans()
        bag.poke()
        kitchen.microwave.cook(bag, minutes=5)
        dishes.append(bag)

    def rice():
        pot = kitchen.fill_pot(water_cups=1.75, butter_tbsp=2)
        kitchen.stove.boil(pot)
        dishes.append(pot)

    threads = [threading.Thread(target=beans), threading.Thread(target=rice)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bag, pot = sorted(dishes, key=lambda dish: dish.name)
    assert bag.ready and pot.boiling
    assert kitchen.now() >= 10  # the boil really waited its ten minutes
    waits = {step.what: step for step in kitchen.steps if step.minutes}
    # side by side: the beans went into the microwave while the water heated
    assert waits["green beans"].start < waits["rice pilaf"].end
    assert len(kitchen.steps) == 5


TUTORIAL_DINNER = dinner(TUTORIAL_KITCHEN)


class FakeStep:
    def __init__(self, what: str, start: float, minutes: float) -> None:
        self.what, self.action, self.start, self.minutes = what, "wait", start, minutes

    @property
    def end(self) -> float:
        return self.start + self.minutes

    def __str__(self) -> str:
        return f"{self.what} {self.start}"


def test_threaded_verdict_passes_recipes_side_by_side_even_when_a_thread_starts_late():
    late = 3.0  # the beans' thread started 3 kitchen minutes after the others
    judge_recipes_overlap([FakeStep("oven", 0, 12), FakeStep("salmon", 12.4, 18),
                           FakeStep("rice pilaf", 0.1, 10), FakeStep("green beans", late, 5)],
                          TUTORIAL_DINNER)


def test_threaded_verdict_fails_recipes_one_after_another_however_long_the_gaps():
    one_after_another = [FakeStep("oven", 0, 12), FakeStep("salmon", 12, 18),
                         FakeStep("rice pilaf", 30, 37), FakeStep("green beans", 67, 5)]
    with pytest.raises(CheckFailed, match="never cooked together"):
        judge_recipes_overlap(one_after_another, TUTORIAL_DINNER)


def test_grading_cooks_in_the_packs_kitchen_not_one_shipped_with_the_submission(tmp_path: Path):
    files = solution_files(EXERCISE)
    files["kitchen.py"] = "raise RuntimeError('the submission’s own kitchen was loaded')\n"
    results = grade_folder(EXERCISE, make_submission(tmp_path, EXERCISE, files))
    assert all(result.passed for result in results), [r.message for r in results]


def test_a_wait_needs_some_minutes():
    async def no_time(kitchen):
        beans = kitchen.bag_of_green_beans()
        beans.poke()
        await kitchen.microwave.cook(beans, minutes=0)

    with pytest.raises(KitchenError, match="not a duration"):
        in_virtual_time(no_time)


def test_a_kitchen_takes_its_own_preheat_and_boil_minutes():
    async def rice_and_oven(kitchen):
        pot = kitchen.fill_pot(water_cups=1.75, butter_tbsp=2)
        await kitchen.oven.preheat(350)
        await kitchen.stove.boil(pot)
        return kitchen

    loop = looptime.new_event_loop(start=0, end=600)

    async def run():
        return await rice_and_oven(kitchen_module.Kitchen(0.5, preheat_minutes=7.3,
                                                          boil_minutes=2.25))

    try:
        kitchen = loop.run_until_complete(run())
    finally:
        loop.close()
    assert [(step.action, step.start, step.minutes) for step in kitchen.steps if step.minutes] == [
        ("preheat to 350 °F", 0, 7.3), ("bring to a boil", 7.3, 2.25)]
    assert loop.time() == pytest.approx((7.3 + 2.25) * 0.5)


def test_every_sample_holds_a_kitchen_of_each_kind():
    from graders.kit.scenarios import choose_scenarios
    from graders.suites.models.cooking import dinner

    checks = EXERCISE.checks()
    for seed in range(40):
        for index, drawn in choose_scenarios(checks, seed).items():
            if checks[index].id.startswith("threaded_") or "blocking" in checks[index].tags:
                continue  # one kitchen: the threaded one has a test of its own below
            kitchens = [scenario["kitchen"] for scenario in drawn]
            longest = [max(dinner(k), key=lambda recipe: recipe.minutes).dish for k in kitchens]
            assert kitchens[0] == {"seconds_per_minute": 1.0, "preheat_minutes": 12,
                                   "boil_minutes": 10}, checks[index].id
            assert "salmon" in longest and "rice pilaf" in longest
            assert any(abs(salmon.minutes - rice.minutes) < 1e-9
                       for salmon, rice, _ in map(dinner, kitchens))  # a tie
            assert any(k["seconds_per_minute"] > 1 for k in kitchens)
            assert any(k["seconds_per_minute"] < 0.1 for k in kitchens)
            assert any(not float(k["preheat_minutes"]).is_integer() for k in kitchens)


@pytest.mark.parametrize("variant", ["dinner_awaits_rice_only.py", "dinner_polls_every_minute.py",
                                     "salmon_waits_fixed_preheat.py"])
def test_a_dinner_right_only_in_the_tutorials_kitchen_fails_whatever_the_seed(
        tmp_path: Path, monkeypatch, variant):
    from conftest import VARIANTS_DIR

    from graders.kit import scenarios

    verdicts = set()
    for seed in (scenarios.DEFAULT_SEED, 1, 99):
        monkeypatch.setattr(scenarios, "DEFAULT_SEED", seed)
        files = solution_files(EXERCISE)
        files["dinner.py"] += "\n\n" + (VARIANTS_DIR / "02_cooking" / variant).read_text()
        results = grade_folder(EXERCISE, make_submission(tmp_path / str(seed), EXERCISE, files))
        verdicts.add(tuple(sorted(result.id for result in results if not result.passed)))
    assert len(verdicts) == 1 and next(iter(verdicts)), verdicts


def test_the_threaded_dinner_cooks_in_a_kitchen_whose_dishes_come_back_in_another_order():
    """Beans, rice, salmon (the tutorial's kitchen sends beans, salmon, rice), with six minutes
    or more between the last two, whatever the seed: a dinner that takes the dishes off the queue
    in the tutorial's order is caught, and no load of the machine swaps the two."""
    from graders.kit.scenarios import choose_scenarios

    checks = EXERCISE.checks()
    threaded = [i for i, check in enumerate(checks) if check.id.startswith("threaded_")]
    assert len(threaded) == 2
    for seed in range(40):
        drawn = choose_scenarios(checks, seed)
        assert drawn[threaded[0]] == drawn[threaded[1]]  # one run serves both checks
        (scenario,) = drawn[threaded[0]]
        salmon, rice, beans = (recipe.minutes for recipe in dinner(scenario["kitchen"]))
        assert beans < rice and salmon - rice >= 6
        assert salmon < 40  # about 0.3 s of real time
        assert TUTORIAL_DINNER[0].minutes < TUTORIAL_DINNER[1].minutes  # the tutorial's order
