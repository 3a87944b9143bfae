"""A pretend kitchen for one cook: the pack provides it, you do not change it.

Appliances take time; your hands do not. Preheating, boiling, baking, simmering, standing and
microwaving are waits, measured in kitchen minutes. Arranging, dressing, stirring, fluffing and
poking are handwork: done at once, between waits.

There are two kitchens with the same appliances and the same rules:

- `Kitchen`, for coroutines: every wait is awaited (`await kitchen.oven.bake(salmon, minutes=18)`)
  and is a real `asyncio.sleep`, so the cook can turn to another recipe meanwhile.
- `ThreadKitchen`, for threads: every wait blocks the thread that asked for it
  (`kitchen.oven.bake(salmon, minutes=18)`, no await), so each recipe needs a thread of its own.

One kitchen minute lasts `seconds_per_minute` seconds (1 by default, so a whole dinner takes about
half a minute when you run it for real; the grader runs it in virtual time, at no cost). Kitchens
differ: an oven may heat faster or slower than PREHEAT_MINUTES, a pot boil sooner or later than
BOIL_MINUTES (`Kitchen(preheat_minutes=..., boil_minutes=...)`), and the grader cooks your recipes
in several kitchens, so wait for the kitchen's steps rather than for a number of minutes.

Every kitchen writes down each step in `kitchen.steps`, with the kitchen minute it started at, and
raises `KitchenError` when a step breaks the kitchen's rules: baking in a cold oven, rice into water
that does not boil yet, two dishes in the microwave at once, and so on.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

PREHEAT_MINUTES = 12
"""How long the oven of a kitchen takes to reach its temperature, unless the kitchen says
otherwise (`preheat_minutes`)."""
BOIL_MINUTES = 10
"""How long a pot of water takes to come to a boil, unless the kitchen says otherwise
(`boil_minutes`)."""

Wait = TypeVar("Wait")
"""What an appliance's wait gives back: a coroutine to await (Kitchen), or None (ThreadKitchen)."""


Hook = Callable[[], None]
Action = str | Callable[[], str]
"""A step's description, or a function that gives it when the step begins."""


def _describe(action: Action) -> str:
    return action if isinstance(action, str) else action()


class KitchenError(Exception):
    """A step the kitchen does not allow: the message says which rule it broke."""


@dataclass(frozen=True)
class Step:
    """One step done in the kitchen, as the kitchen wrote it down."""

    what: str
    """What the step was done to: "oven", "salmon", "rice pilaf" or "green beans"."""
    action: str
    """What was done ("bake at 350 °F", "stir in rice, spices")."""
    start: float
    """Kitchen minutes since the kitchen opened, when the step began."""
    minutes: float
    """How long the step takes: 0 for handwork."""

    @property
    def end(self) -> float:
        return self.start + self.minutes

    def __str__(self) -> str:
        took = f" ({self.minutes:g} min)" if self.minutes else ""
        return f"minute {self.start:5.1f}: {self.what}: {self.action}{took}"


class Dish:
    """Something being cooked. `ready` turns True when its recipe's last step is done."""

    name = "dish"

    def __init__(self, kitchen: _KitchenBase[Any]) -> None:
        self._kitchen = kitchen
        self.ready = False

    def __repr__(self) -> str:
        return f"<{self.name}, {'ready' if self.ready else 'not ready'}>"

    def _handwork(self, action: str) -> None:
        self._kitchen._record(self.name, action, 0)


class Salmon(Dish):
    """Salmon filets arranged in a baking dish, from `kitchen.arrange_filets()`."""

    name = "salmon"

    def __init__(self, kitchen: _KitchenBase[Any]) -> None:
        super().__init__(kitchen)
        self.dressed = False

    def dress(self, dressing: str, *, tbsp_each: float) -> None:
        """Spoon `tbsp_each` tablespoons of `dressing` over each filet."""
        self._kitchen._check(not self.ready, "The salmon is already baked: dress it before baking.")
        self.dressed = True
        self._handwork(f"dress each filet with {tbsp_each:g} tbsp {dressing}")


class RicePilaf(Dish):
    """A pot on the stove that becomes rice pilaf, from `kitchen.fill_pot(...)`."""

    name = "rice pilaf"

    def __init__(self, kitchen: _KitchenBase[Any]) -> None:
        super().__init__(kitchen)
        self.boiling = False
        self.has_rice = False
        self.simmered = False
        self.fluffed = False

    def stir_in(self, *ingredients: str) -> None:
        """Stir ingredients ("rice", "spices") into the pot. Rice goes only into boiling water."""
        self._kitchen._check(
            self.boiling or "rice" not in ingredients,
            "Rice goes only into boiling water: the pot is not boiling (yet, or any more). "
            "Wait for `kitchen.stove.boil(pot)` to finish first.",
        )
        self.has_rice = self.has_rice or "rice" in ingredients
        self._handwork("stir in " + ", ".join(ingredients))

    def fluff(self) -> None:
        """Fluff the rice with a fork, once it has simmered."""
        self._kitchen._check(
            self.simmered, "Only simmered rice can be fluffed: simmer the rice first."
        )
        self.fluffed = True
        self._handwork("fluff with a fork")

    def stand(self, minutes: float) -> Any:
        """Let the pot stand off the heat, covered, for `minutes` (a wait, like an appliance's:
        awaited in a Kitchen, blocking in a ThreadKitchen)."""

        def allowed() -> None:
            self._kitchen._check(self.fluffed, "Fluff the rice before you let it stand.")

        def done() -> None:
            self.ready = True

        return self._kitchen._wait(
            "pot.stand", self.name, "let stand, covered", minutes, allowed, done)


class GreenBeans(Dish):
    """A bag of frozen green beans, from `kitchen.bag_of_green_beans()`."""

    name = "green beans"

    def __init__(self, kitchen: _KitchenBase[Any]) -> None:
        super().__init__(kitchen)
        self.poked = False

    def poke(self) -> None:
        """Poke holes in the bag, so that the steam can get out in the microwave."""
        self.poked = True
        self._handwork("poke the bag")


class Oven(Generic[Wait]):
    """One oven. Bake only once it has finished preheating."""

    def __init__(self, kitchen: _KitchenBase[Wait]) -> None:
        self._kitchen = kitchen
        self.temperature: int | None = None
        """Degrees Fahrenheit, once preheated; None while cold or preheating."""
        self.preheating = False

    def preheat(self, degrees: int) -> Wait:
        """Heat the oven to `degrees` °F (a wait of the kitchen's `preheat_minutes`)."""

        def allowed() -> None:
            self._kitchen._check(not self.preheating, "The oven is already preheating.")
            self.preheating = True

        def done() -> None:
            self.preheating = False
            self.temperature = degrees

        return self._kitchen._wait(
            "oven.preheat", "oven", f"preheat to {degrees} °F", self._kitchen.preheat_minutes,
            allowed, done,
        )

    def bake(self, dish: Dish, *, minutes: float) -> Wait:
        """Bake `dish` for `minutes` at the oven's temperature (a wait)."""

        def allowed() -> None:
            self._kitchen._check(
                not self.preheating,
                "The oven is still preheating: bake only in a preheated oven. Wait for "
                "`kitchen.oven.preheat(...)` to finish before baking.",
            )
            self._kitchen._check(
                self.temperature is not None,
                "The oven is cold: bake only in a preheated oven. Preheat it first, and wait "
                "until preheating has finished.",
            )
            if isinstance(dish, Salmon):
                self._kitchen._check(dish.dressed, "Dress the salmon before it goes in the oven.")

        def done() -> None:
            dish.ready = True

        # The temperature is read when the bake begins, after the rules are checked.
        return self._kitchen._wait(
            "oven.bake", dish.name, lambda: f"bake at {self.temperature} °F", minutes, allowed, done
        )


class Stove(Generic[Wait]):
    """A stove for the pot: boil water, simmer rice."""

    def __init__(self, kitchen: _KitchenBase[Wait]) -> None:
        self._kitchen = kitchen

    def boil(self, pot: RicePilaf) -> Wait:
        """Bring the pot to a boil (a wait of the kitchen's `boil_minutes`)."""

        def allowed() -> None:
            self._kitchen._check(not pot.has_rice, "Bring the water to a boil before the rice.")

        def done() -> None:
            pot.boiling = True

        return self._kitchen._wait(
            "stove.boil", pot.name, "bring to a boil", self._kitchen.boil_minutes, allowed, done)

    def simmer(self, pot: RicePilaf, *, minutes: float) -> Wait:
        """Cover the pot and simmer it on low heat for `minutes` (a wait)."""

        def allowed() -> None:
            self._kitchen._check(pot.has_rice, "There is no rice in the pot to simmer.")
            pot.boiling = False

        def done() -> None:
            pot.simmered = True

        return self._kitchen._wait(
            "stove.simmer", pot.name, "cover and simmer", minutes, allowed, done)


class Microwave(Generic[Wait]):
    """One microwave: one dish at a time."""

    def __init__(self, kitchen: _KitchenBase[Wait]) -> None:
        self._kitchen = kitchen
        self.busy = False

    def cook(self, dish: Dish, *, minutes: float) -> Wait:
        """Microwave `dish` on high for `minutes` (a wait)."""

        def allowed() -> None:
            self._kitchen._check(
                not self.busy, "The microwave is busy: one dish in the microwave at a time."
            )
            if isinstance(dish, GreenBeans):
                self._kitchen._check(
                    dish.poked, "Poke the bag first: a closed bag bursts in the microwave."
                )
            self.busy = True

        def done() -> None:
            self.busy = False
            dish.ready = True

        return self._kitchen._wait(
            "microwave.cook", dish.name, "microwave on high", minutes, allowed, done)


class _KitchenBase(Generic[Wait]):
    """What both kitchens share: the appliances, the pantry, the rules and the record."""

    def __init__(self, seconds_per_minute: float = 1.0, *,
                 preheat_minutes: float = PREHEAT_MINUTES,
                 boil_minutes: float = BOIL_MINUTES) -> None:
        self.seconds_per_minute = seconds_per_minute
        self.preheat_minutes = preheat_minutes
        """How long this kitchen's oven takes to preheat."""
        self.boil_minutes = boil_minutes
        """How long this kitchen's pots take to come to a boil."""
        self.steps: list[Step] = []
        """Every step done so far, in the order it began."""
        self.oven: Oven[Wait] = Oven(self)
        self.stove: Stove[Wait] = Stove(self)
        self.microwave: Microwave[Wait] = Microwave(self)

    # The pantry: handwork that brings a dish into being.

    def arrange_filets(self) -> Salmon:
        """Arrange the salmon filets in a baking dish."""
        salmon = Salmon(self)
        salmon._handwork("arrange the filets in a baking dish")
        return salmon

    def fill_pot(self, *, water_cups: float, butter_tbsp: float) -> RicePilaf:
        """Put water and butter in a pot on the stove: the start of rice pilaf."""
        pot = RicePilaf(self)
        pot._handwork(f"pot with {water_cups:g} cups water, {butter_tbsp:g} tbsp butter")
        return pot

    def bag_of_green_beans(self) -> GreenBeans:
        """Take a bag of frozen green beans out of the freezer."""
        beans = GreenBeans(self)
        beans._handwork("take the bag out of the freezer")
        return beans

    # What the appliances and dishes use.

    def now(self) -> float:
        """Kitchen minutes since the kitchen opened."""
        raise NotImplementedError

    def _wait(
        self, name: str, what: str, action: Action, minutes: float, allowed: Hook, done: Hook
    ) -> Wait:
        """A step that takes time, called `name` in messages: `allowed()` checks the rules when
        it begins, `done()` runs when it ends."""
        raise NotImplementedError

    def _begin(self, what: str, action: Action, minutes: float, allowed: Hook) -> None:
        """Start a wait: check its rules, then write it down."""
        self._check(minutes > 0, f"A wait lasts some minutes: {minutes!r} is not a duration.")
        allowed()
        self._record(what, _describe(action), minutes)

    def _check(self, rule_holds: bool, complaint: str) -> None:
        if not rule_holds:
            raise KitchenError(complaint)

    def _record(self, what: str, action: str, minutes: float) -> None:
        self.steps.append(Step(what, action, round(self.now(), 6), minutes))


class Kitchen(_KitchenBase[Coroutine[Any, Any, None]]):
    """The kitchen for coroutines: await every wait; the cook can turn to other work meanwhile.

    Make it inside a running event loop (in a coroutine): its clock is the loop's.
    """

    def __init__(self, seconds_per_minute: float = 1.0, **durations: float) -> None:
        super().__init__(seconds_per_minute, **durations)
        self._opened: float | None = None
        self._loop_time()  # opens the kitchen now, if a loop is running

    def _loop_time(self) -> float:
        try:
            loop_time = asyncio.get_running_loop().time()
        except RuntimeError:
            return 0.0
        if self._opened is None:
            self._opened = loop_time
        return loop_time - self._opened

    def now(self) -> float:
        return self._loop_time() / self.seconds_per_minute

    def _wait(
        self, name: str, what: str, action: Action, minutes: float, allowed: Hook, done: Hook
    ) -> Coroutine[Any, Any, None]:
        waiting = self._waiting(what, action, minutes, allowed, done)
        # Named after the step, so that "coroutine ... was never awaited" says which one.
        waiting.__qualname__ = waiting.__name__ = f"kitchen.{name}"
        return waiting

    async def _waiting(
        self, what: str, action: Action, minutes: float, allowed: Hook, done: Hook
    ) -> None:
        self._begin(what, action, minutes, allowed)
        await asyncio.sleep(minutes * self.seconds_per_minute)
        done()


class ThreadKitchen(_KitchenBase[None]):
    """The kitchen for threads: every wait blocks the calling thread; safe to share between them.

    A lock keeps the rules and the record consistent when several threads use the kitchen at once;
    it is never held during a wait, so threads wait side by side.
    """

    def __init__(self, seconds_per_minute: float = 1.0, **durations: float) -> None:
        super().__init__(seconds_per_minute, **durations)
        self._opened = time.monotonic()
        self._lock = threading.RLock()

    def now(self) -> float:
        return (time.monotonic() - self._opened) / self.seconds_per_minute

    def _record(self, what: str, action: str, minutes: float) -> None:
        with self._lock:
            super()._record(what, action, minutes)

    def _wait(
        self, name: str, what: str, action: Action, minutes: float, allowed: Hook, done: Hook
    ) -> None:
        with self._lock:
            self._begin(what, action, minutes, allowed)
        time.sleep(minutes * self.seconds_per_minute)
        with self._lock:
            done()
