"""Checks judged outside the student's process, on scenarios the parent chose for this grading.

A judged check (`Suite.judged`) has three parts, each where it can be trusted:

- `sample(rng) -> list[Scenario]`, in the parent: the inputs of this grading, drawn from the input
  space the contract allows (written next to the check), smallest first. Each scenario is a plain
  JSON object whose "call" is the call a learner can paste into a REPL (`main(("cow", "pig"))`).
- `observe(ctx, scenario) -> observation`, in the child: runs the student's code on one scenario
  and reports plain values only (`observed(value)`, printed lines, virtual times, what was asked
  of a server). It may fail the check itself (a missing function, NotImplementedError, a blocking
  call): a child can always fail a check, never pass one.
- `judge(scenario, observation)`, in the parent: compares the observation with the contract's
  model of what right code gives, and raises CheckFailed when they differ.

The child never decides that a judged check passed: a child whose memory was changed can at most
forge observations, and to score it must produce right observations for inputs it was not told
before the grading started. The parent judges the scenarios in order and reports the first that
fails, which is the smallest, with how many failed.

Why seeded generators of our own rather than Hypothesis: every check's input space is small and
known (sizes, delays, orders, repeats), so a stratified draw covers each stratum that matters in
every sample, of every seed (a size past any fixed batch, a tie, a zero, an odd delay), which
random search does not promise; the smallest failing scenario is then the first in order, with no
shrinking to run; and it costs no import in the child, where the time of a grading goes.

The seed: by default one fixed seed, so that a submission gets the same scenarios, and the same
verdict, on every machine and in every run. A teacher who sets AWAITLINGS_SCENARIO_KEY (a secret,
kept out of the submission's reach: the sandbox passes no environment but a short list) gets
scenarios drawn from that key and the submission's own files: stable for the same files, unknown
to their author in advance.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graders.kit.checks import CheckFailed
from graders.kit.failure import Failure

if TYPE_CHECKING:
    from graders.kit.checks import Check

Scenario = dict[str, Any]
"""One input of a judged check, as plain JSON, with its "call" for the learner."""
KEY_VARIABLE = "AWAITLINGS_SCENARIO_KEY"
DEFAULT_SEED = 2017
"""The seed without a key: the year of the tutorial."""
MAX_OBSERVATIONS_CHARS = 512 * 1024
"""What one check may report (the engine's wire keeps it whole up to this)."""
MAX_OBSERVED_ITEMS = 200
"""Items of a list (or characters of a text) an observation keeps: more are cut, and say so."""


def grading_seed(exercise: str, files: Iterable[Path], key: str | None = None) -> int:
    """The seed of one grading: fixed without a key, else drawn from the key and the files."""
    key = os.environ.get(KEY_VARIABLE, "") if key is None else key
    if not key:
        return DEFAULT_SEED
    digest = hmac.new(key.encode(), exercise.encode(), hashlib.sha256)
    for path in sorted(files):
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"(unreadable)")
    return int.from_bytes(digest.digest()[:8], "big")


def choose_scenarios(checks: Sequence[Check], seed: int) -> dict[int, list[Scenario]]:
    """Each judged check's scenarios for this grading, by the check's index."""
    chosen = {}
    for index, check in enumerate(checks):
        if check.sample is not None:
            # One check's draw never moves another's, unless they share it (Check.draw).
            rng = random.Random(f"{seed}:{check.draw or check.id}")
            chosen[index] = check.sample(rng)
    return chosen


def encode_scenarios(scenarios: dict[int, list[Scenario]]) -> str:
    return json.dumps({str(index): items for index, items in scenarios.items()})


def decode_scenarios(text: str) -> dict[int, list[Scenario]]:
    data = json.loads(text) if text.strip() else {}
    return {int(index): list(items) for index, items in data.items()}


# --- In the child: observing ---------------------------------------------------------------------


def observe_all(check: Check, context: Any, scenarios: list[Scenario]) -> str:
    """The observations of every scenario, as the JSON text the result carries."""
    assert check.sample is not None, check.id
    observations = [check.function(context, scenario) for scenario in scenarios]  # type: ignore[call-arg]
    text = json.dumps(observations)
    if len(text) > MAX_OBSERVATIONS_CHARS:
        raise CheckFailed(
            f"Your code gave the grader more than it can read: {len(text):,} characters of "
            f"results for {len(scenarios)} calls.",
            advice="return and print what the exercise asks for, and nothing more.",
        )
    return text


_observed_once: dict[str, tuple[Any, BaseException | None]] = {}


def observed_once(key: tuple[Any, ...], observe: Callable[[], Any]) -> Any:
    """`observe()`'s observation, made once in this process for each `key`: checks that judge
    other parts of the same runs share a draw (Check.draw), and the first of them to ask makes
    each run, the others read what it saw, or meet the failure it met. The key holds the
    scenario and whatever else decides the run (the student's function, by `code_key`)."""
    text = json.dumps(key, sort_keys=True, default=repr)
    if text not in _observed_once:
        try:
            _observed_once[text] = (observe(), None)
        except Exception as error:  # the failure, met again by every check that reads it
            _observed_once[text] = (None, error)
    observation, error = _observed_once[text]
    if error is not None:
        raise error
    return observation


def code_key(function: Any) -> tuple[str, str]:
    """The student's function in an `observed_once` key: its module and name, the same when the
    child imported the module again for a later check (graders/engine/child.py), which gives
    the same function afresh; never its id, which a function freed since may hand to another."""
    return (str(getattr(function, "__module__", "")), str(getattr(function, "__qualname__", "")))


def observed(value: Any, depth: int = 0) -> Any:
    """A value of the student's as plain JSON, built from exact types only: an object that
    pretends (an int subclass, a list whose __eq__ says yes) is shown as what it is, never as
    the value it imitates. Exceptions become {"error": type name, "message": text}."""
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value[:MAX_OBSERVED_ITEMS * 10] if kind is str else value
    if kind is float:
        return value if math.isfinite(value) else {"float": repr(value)}
    if depth < 6 and kind in (list, tuple):
        items = [observed(item, depth + 1) for item in value[:MAX_OBSERVED_ITEMS]]
        if len(value) > MAX_OBSERVED_ITEMS:
            items.append({"cut": len(value) - MAX_OBSERVED_ITEMS})
        return {"list": items} if kind is list else {"tuple": items}
    if depth < 6 and kind is dict:
        return {"dict": [[observed(k, depth + 1), observed(v, depth + 1)]
                         for k, v in list(value.items())[:MAX_OBSERVED_ITEMS]]}
    if isinstance(value, BaseException):
        return {"error": kind.__name__, "message": _safe_str(value)}
    return {"other": kind.__name__, "repr": _safe_repr(value)}


def _safe_str(value: Any) -> str:
    try:
        return str(value)[:500]
    except Exception:
        return "(str failed)"


def _safe_repr(value: Any) -> str:
    try:
        return repr(value)[:200]
    except Exception:
        return f"<a {type(value).__name__}>"


# --- In the parent: judging ----------------------------------------------------------------------


def shown(value: Any) -> str:
    """An observed value as Python text, for messages: what the student would see in a REPL."""
    if isinstance(value, dict):
        if "list" in value or "tuple" in value:
            items = value.get("list", value.get("tuple"))
            inner = ", ".join("..." if isinstance(i, dict) and "cut" in i else shown(i)
                              for i in items)
            if "tuple" in value:
                return f"({inner},)" if len(items) == 1 else f"({inner})"
            return f"[{inner}]"
        if "dict" in value:
            return "{" + ", ".join(f"{shown(k)}: {shown(v)}" for k, v in value["dict"]) + "}"
        if "error" in value:
            return f"{value['error']}({value.get('message', '')!r})"
        if "other" in value:
            return str(value.get("repr", value["other"]))
        if "float" in value:
            return str(value["float"])
    return repr(value)


def as_list(value: Any) -> list[Any] | None:
    """The items of an observed list or tuple, or None when it was neither."""
    if isinstance(value, dict) and ("list" in value or "tuple" in value):
        return list(value.get("list", value.get("tuple")))
    return None


def is_error(value: Any, name: str | None = None) -> bool:
    return isinstance(value, dict) and "error" in value and name in (None, value["error"])


def judge_all(check: Check, scenarios: list[Scenario], observations_text: str
              ) -> tuple[Failure | None, str]:
    """The verdict on a judged check: None when every scenario was observed as right code gives
    it, else the smallest failing scenario's failure; with a timeline, when the judge drew one."""
    assert check.judge is not None, check.id
    try:
        observations = json.loads(observations_text)
    except ValueError:
        observations = None
    if not isinstance(observations, list) or len(observations) != len(scenarios):
        return Failure(
            "The grader received no usable observations for this check, so it could not judge "
            "it: your code may have changed the grader's own objects.",
            advice="leave the grader's code and data alone: write only your exercise's part.",
        ), ""
    failing: list[tuple[Scenario, CheckFailed]] = []
    for scenario, observation in zip(scenarios, observations, strict=True):
        try:
            check.judge(scenario, observation)
        except CheckFailed as failed:
            failing.append((scenario, failed))
        except Exception as error:  # an observation the judge did not expect: not right code's
            failing.append((scenario, CheckFailed(
                f"{scenario.get('call', 'A scenario')} gave something the grader could not "
                f"read as right code's answer ({type(error).__name__}: {error}).")))
    if not failing:
        return None, ""
    failed = failing[0][1]
    failure = failed.failure
    if failure.why is None and check.why:
        failure = replace(failure, why=check.why)
    count = (f"{len(failing)} of the {len(scenarios)} calls this check made went wrong; "
             "this is the smallest of them." if len(scenarios) > 1 else "")
    if count:
        failure = replace(failure, notes=(*failure.notes, count))
    return failure, getattr(failed, "timeline", "")


# --- Drawing scenarios ---------------------------------------------------------------------------


def sizes(rng: random.Random, strata: Sequence[tuple[int, int]], each: int = 1) -> list[int]:
    """`each` sizes from each (low, high) stratum, inclusive, different where the stratum has
    room, in increasing order: every sample holds a size of every kind that matters (none, one, a
    few, past any batch a submission might use)."""
    drawn = []
    for low, high in strata:
        room = range(low, high + 1)
        drawn.extend(rng.sample(room, each) if len(room) >= each else
                     [rng.randint(low, high) for _ in range(each)])
    return sorted(drawn)


def call_text(function: str, *arguments: Any) -> str:
    """`function(arg, ...)` as Python text."""
    return f"{function}({', '.join(repr(a) for a in arguments)})"


def sampled_by(make: Callable[[random.Random], list[Scenario]]
               ) -> Callable[[random.Random], list[Scenario]]:
    """`make`'s scenarios, smallest first (by the size of their "call" text), each with a call."""
    def sample(rng: random.Random) -> list[Scenario]:
        scenarios = make(rng)
        for scenario in scenarios:
            if "call" not in scenario:
                raise ValueError(f"scenario without a call: {scenario}")
        return sorted(scenarios, key=lambda s: (s.get("size", 0), len(s["call"])))
    return sample


def observed_printed(lines: Iterable[Any]) -> list[list[Any]]:
    """Printed lines (graders.kit.capture.PrintedLine) as plain [text, time] pairs."""
    return [[line.text[:500], line.time] for line in list(lines)[:MAX_OBSERVED_ITEMS * 5]]


def printed_from(pairs: Any) -> list[Any]:
    """The printed lines of an observation, as PrintedLine again, for the judge's pictures."""
    from graders.kit.capture import PrintedLine
    return [PrintedLine(str(text), None if time is None else float(time))
            for text, time in pairs]
