"""Driving a coroutine by hand and writing down everything it did, in order."""

from __future__ import annotations

import inspect
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from graders.kit.capture import recording_stdout
from graders.kit.checks import CheckFailed
from graders.kit.plain import plainly_equal
from graders.kit.vtime import CoveredTime

MAX_STEPS = 100


@dataclass(frozen=True)
class Step:
    kind: str
    """"print", "yield" or "return"."""
    value: Any

    def describe(self) -> str:
        if self.kind == "print":
            return f"prints {self.value!r}"
        if self.kind == "yield":
            return f"yields {self.value!r} to its driver"
        return f"returns {self.value!r}"


def require_coroutine(value: Any, call: str) -> Coroutine:
    if inspect.iscoroutine(value):
        return value
    if inspect.isawaitable(value):
        raise CheckFailed(
            f"{call} gave an awaitable of type {type(value).__name__}, not a coroutine.",
            advice="write it as an `async def` function: that is the lesson of this step.",
        )
    raise CheckFailed(
        f"{call} returned {value!r} at once instead of a coroutine.",
        expected="a coroutine object, that runs only when driven (an `async def` function)",
        actual=f"{type(value).__name__}: {value!r}",
        advice="declare it with `async def`; calling it should not run its body yet.",
    )


def trace(coroutine: Coroutine, call: str) -> list[Step]:
    """Send None until the coroutine returns, noting its prints, yields and return value."""
    steps: list[Step] = []
    for _ in range(MAX_STEPS):
        with recording_stdout(clock=lambda: None) as printed:
            try:
                yielded = coroutine.send(None)
            except StopIteration as finished:
                result: Step | None = Step("return", finished.value)
            else:
                result = Step("yield", yielded)
                if isinstance(yielded, int | float):
                    CoveredTime.seconds += yielded  # the delay a real driver would sleep
        steps.extend(Step("print", text) for text in printed.texts)
        steps.append(result)
        if result.kind == "return":
            return steps
    coroutine.close()
    raise CheckFailed(f"{call} yielded more than {MAX_STEPS} times without returning.")


def same_step(expected: Step, actual: Step) -> bool:
    """Equal without asking the student's objects: their __eq__ could say anything."""
    return expected.kind == actual.kind and plainly_equal(actual.value, expected.value)


def same_steps(expected: list[Step], actual: list[Step]) -> bool:
    return len(expected) == len(actual) and all(
        same_step(e, a) for e, a in zip(expected, actual, strict=True)
    )


def first_difference(expected: list[Step], actual: list[Step]) -> tuple[int, str]:
    """Where two traces part, and what that difference means, in words."""
    index = next(
        (i for i, (e, a) in enumerate(zip(expected, actual, strict=False))
         if not same_step(e, a)),
        min(len(expected), len(actual)),
    )
    want = expected[index] if index < len(expected) else None
    got = actual[index] if index < len(actual) else None
    at = f"at step {index + 1}"
    if want is None and got is not None:
        return index, f"{at} it goes on and {got.describe()}, after it should have finished"
    if got is None:
        return index, f"{at} it has finished, where the expected next step is: it {want.describe()}"
    assert want is not None
    if want.kind == got.kind == "print":
        return index, (f"{at} the printed line differs in its wording: it should print "
                       f"{want.value!r}, and it printed {got.value!r}")
    if want.kind == got.kind == "yield":
        return index, (f"{at} it yields {got.value!r} to its driver instead of {want.value!r}: "
                       "the driver takes the yielded value as the delay to sleep")
    if want.kind == "yield":
        return index, (f"{at} it {got.describe()} without yielding first: a wait that yields "
                       "nothing to the driver keeps control the whole time")
    if want.kind == got.kind == "return":
        return index, f"{at} it returns {got.value!r} instead of {want.value!r}"
    return index, f"{at} it {got.describe()}, where the expected step is: it {want.describe()}"


def compare_traces(call: str, expected: list[Step], actual: list[Step], advice: str,
                   why: str | None = None) -> None:
    if same_steps(expected, actual):
        return
    index, difference = first_difference(expected, actual)
    shown = [step.describe() for step in actual]
    if index < len(shown):
        shown[index] += "   <- here"
    raise CheckFailed(
        f"Driven by hand, {call} did not do what it should: {difference}.",
        expected="\n".join(step.describe() for step in expected),
        actual="\n".join(shown) or "nothing at all",
        advice=advice,
        why=why,
    )
