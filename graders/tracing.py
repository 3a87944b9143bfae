"""Driving a coroutine by hand and writing down everything it did, in order."""

from __future__ import annotations

import inspect
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from graders.capture import recording_stdout
from graders.checks import CheckFailed
from graders.plain import plainly_equal

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
        steps.extend(Step("print", text) for text in printed.texts)
        steps.append(result)
        if result.kind == "return":
            return steps
    coroutine.close()
    raise CheckFailed(f"{call} yielded more than {MAX_STEPS} times without returning.")


def same_steps(expected: list[Step], actual: list[Step]) -> bool:
    return len(expected) == len(actual) and all(
        e.kind == a.kind and plainly_equal(a.value, e.value)
        for e, a in zip(expected, actual, strict=True)
    )


def compare_traces(call: str, expected: list[Step], actual: list[Step], advice: str) -> None:
    if same_steps(expected, actual):
        return
    raise CheckFailed(
        f"Driven by hand, {call} did not do what it should, in the order it should.",
        expected="\n".join(step.describe() for step in expected),
        actual="\n".join(step.describe() for step in actual),
        advice=advice,
    )
