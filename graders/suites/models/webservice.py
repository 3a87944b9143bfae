"""The contract's model of exercise 06, in the parent: the requests its judged checks send, and
what a right farm answers to each, and when, against which the child's observations are judged
(graders/kit/scenarios.py). Nothing here runs the student's code.

A scenario is a list of waves, `[offset, [name, ...]]`: every name of a wave is asked for at once,
`GET /animals/{name}`, `offset` virtual seconds after the first wave. What the child observes of
each request, in the order of the waves: `[status, text, sent, answered]` (virtual seconds; status
and answered are None when no answer came within the check's patience, status 0 when the
connection failed).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from typing import Any
from urllib.parse import quote

from graders.farm.records import FARM
from graders.kit import (
    CheckFailed,
    PrintedLine,
    Scenario,
    sampled_by,
    shown,
    side_by_side,
    sizes,
)

TUTORIAL_FARM = FARM
"""The student's FARM must hold exactly the pack's farm (graders.farm.service), the tutorial's
twelve; it may hold more."""
KNOWN = tuple(TUTORIAL_FARM)
TUTORIAL_DELAY = 5
AT_ONCE = 0.1
"""Virtual seconds within which an answer that needs no waiting must come (right code: 0)."""
EARLY = 0.01
LATE = 0.3
"""Virtual seconds a known animal may answer past its DELAY: right code is exact on virtual time,
this only absorbs a loopback socket slow to deliver on a loaded machine."""
TIMING_PATIENCE = 4 * TUTORIAL_DELAY
"""Virtual seconds after its last request that a timing check waits for the answers."""
SERVED_AT = "http://127.0.0.1:8080"
"""Where `python webservice_animals.py` serves the farm: the calls shown are curl lines for it."""

# Names the farm does not know, of every kind a path segment can carry: plain words, known animals
# written otherwise (a name is known only as FARM spells it), spaces, letters beyond ASCII, digits
# and punctuation. None of them holds a slash or a percent sign.
UNKNOWN_KINDS: dict[str, tuple[str, ...]] = {
    "plain": ("unicorn", "dragon", "griffin", "yeti", "kraken", "phoenix", "hamster"),
    "capitalised": ("Cow", "PIG", "Sheep", "DOG", "Cat", "Horse"),
    "spaced": ("sea lion", "guinea pig", "polar bear", "cow pie"),
    "unicode": ("émeu", "ёж", "牛", "ñandú", "lobo-guará"),
    "punctuated": ("t-rex", "cow2", "42", "cow.txt", "a+b", "pig!", "_"),
}
UNKNOWN = tuple(name for names in UNKNOWN_KINDS.values() for name in names)


NOT_FOUND = re.compile(r"The animal (.*) was not found\.", re.DOTALL)


def not_found_text(name: str) -> str:
    return f"The animal {name} was not found."


# --- Scenarios ---------------------------------------------------------------------------------


def path_of(name: str) -> str:
    return "/animals/" + quote(name, safe="")


def curl_call(waves: list[list[Any]]) -> str:
    """The scenario as a shell line a learner can paste, with their farm served by hand."""
    parts, now = [], 0.0
    for offset, names in waves:
        if offset > now:
            parts.append(f"sleep {offset - now:g}")
            now = offset
        if len(names) == 1:
            parts.append(f"curl -s {SERVED_AT}{path_of(names[0])}" + (" &" * (len(waves) > 1)))
        else:
            listed = " ".join(quote(name, safe="") for name in names)
            parts.append(f"for name in {listed}; do curl -s {SERVED_AT}/animals/$name & done")
    if len(waves) > 1 or len(waves[0][1]) > 1:
        parts.append("wait")
    return "; ".join(parts)


def scenario_of(waves: list[list[Any]]) -> Scenario:
    waves = [[round(offset, 2), list(names)] for offset, names in waves]
    return {"call": curl_call(waves), "size": sum(len(names) for _, names in waves),
            "waves": waves}


def unknown_name(rng: random.Random, kind: str | None = None) -> str:
    return rng.choice(UNKNOWN_KINDS[kind or rng.choice(list(UNKNOWN_KINDS))])


def crowd(rng: random.Random, size: int) -> list[str]:
    """`size` names at once: a known one first, repeats among them, one in seven unknown (of any
    kind), so that a crowd of `size` holds `size - size // 7` known animals whatever the draw."""
    names = [rng.choice(KNOWN) for _ in range(size)]
    if size >= 3:
        names[-1] = names[0]  # a repeat in every crowd
    for index in rng.sample(range(1, size), size // 7):
        names[index] = unknown_name(rng)
    return names


def odd_offset(rng: random.Random, low: float, high: float) -> float:
    """A moment between low and high that is not a multiple of a half second."""
    while True:
        offset = round(rng.uniform(low, high), 2)
        if round(offset * 2, 2) % 1:
            return offset


# Input space of every_sound (the contract: GET /animals/{name} answers FARM[name] for every
# known animal): any of the twelve, alone or many at once, in any order, repeated, asked again
# after it answered. Strata: one alone; a few distinct; all twelve shuffled; 13..24 with repeats;
# a few, then the same again once answered (an animal answers more than once).
def sound_scenarios(rng: random.Random) -> list[Scenario]:
    few = rng.sample(KNOWN, rng.randint(2, 6))
    again = rng.sample(KNOWN, rng.randint(3, 6))
    return [
        scenario_of([[0, [rng.choice(KNOWN)]]]),
        scenario_of([[0, few]]),
        scenario_of([[0, rng.sample(KNOWN, len(KNOWN))]]),
        scenario_of([[0, [rng.choice(KNOWN) for _ in range(rng.randint(13, 24))]]]),
        scenario_of([[0, again], [odd_offset(rng, 5.2, 7.9), rng.sample(again, len(again))]]),
    ]


# Input space of unknown_is_404 (the contract: a name not in FARM gets 404 and
# `The animal {name} was not found.`): any name that is not a key of FARM: a plain word, a known
# animal written with capitals, names with spaces, letters beyond ASCII, digits and punctuation;
# alone, or many at once with repeats. A name the student's own FARM holds
# (more animals are allowed) is not judged. Strata: one of each kind alone, then a crowd of
# 6..13 unknown names of every kind with a repeat.
def not_found_scenarios(rng: random.Random) -> list[Scenario]:
    alone = [scenario_of([[0, [unknown_name(rng, kind)]]]) for kind in UNKNOWN_KINDS]
    mixed = [unknown_name(rng, kind) for kind in UNKNOWN_KINDS]
    mixed += [unknown_name(rng) for _ in range(rng.randint(1, 7))]
    mixed.append(mixed[0])
    rng.shuffle(mixed)
    return [*alone, scenario_of([[0, mixed]])]


# Input space of unknown_at_once (the contract: the 404 comes at once): unknown names alone or
# many at once, and while known animals wait their DELAY (sent at an odd moment into it). Strata:
# one alone; 2..5 at once; 3..8 known, then 1..3 unknown at an odd moment 0.3..4.6 s later; a
# crowd of 10..18, one in four unknown. time.sleep is judged where only unknown animals
# were asked, so that a handler which blocks for known ones is judged by the other checks.
def at_once_scenarios(rng: random.Random) -> list[Scenario]:
    return [
        scenario_of([[0, [unknown_name(rng, "plain")]]]),
        scenario_of([[0, [unknown_name(rng) for _ in range(rng.randint(2, 5))]]]),
        scenario_of([[0, rng.sample(KNOWN, rng.randint(3, 8))],
                     [odd_offset(rng, 0.3, 4.6), [unknown_name(rng)
                                                  for _ in range(rng.randint(1, 3))]]]),
        scenario_of([[0, [unknown_name(rng) if i % 4 == 1 else rng.choice(KNOWN)
                          for i in range(rng.randint(10, 18))]]]),
    ]


# Input space of crowd_within_one_delay (the contract: each known animal answers after DELAY
# without holding back other requests): any number of requests at once (the check goes to
# ninety), known and unknown mixed, repeats, any order; and requests that come while others wait,
# or after they were answered. Every known animal answers DELAY after its own request, so a crowd
# takes one DELAY whatever its size. Strata (one in seven of a crowd unknown): 1; 2..9; 12..19
# (over ten known); 24..40 (over twenty known); 60..90 (over fifty known); three waves, the
# second at an odd moment 0.3..2.4 s into the first's DELAY, the third 5.2..7.9 s in (after the
# first was answered), repeating names of the first.
CROWD_STRATA = ((1, 1), (2, 9), (12, 19), (24, 40), (60, 90))


def crowd_scenarios(rng: random.Random) -> list[Scenario]:
    chosen = [scenario_of([[0, crowd(rng, size)]]) for size in sizes(rng, CROWD_STRATA)]
    first = crowd(rng, rng.randint(3, 6))
    waves = [[0, first], [odd_offset(rng, 0.3, 2.4), crowd(rng, rng.randint(2, 5))],
             [odd_offset(rng, 5.2, 7.9), [*rng.sample(first, 2), *crowd(rng, 2)]]]
    return [*chosen, scenario_of(waves)]


def sample_sounds(rng: random.Random) -> list[Scenario]:
    """The sound scenarios, the first (smallest) of which also judges FARM as it was written:
    later ones see it as earlier requests left it, which only the answers judge."""
    chosen = sampled_by(sound_scenarios)(rng)
    chosen[0]["farm"] = True
    return chosen



sample_not_found = sampled_by(not_found_scenarios)
sample_at_once = sampled_by(at_once_scenarios)
sample_crowds = sampled_by(crowd_scenarios)


# --- Judging -----------------------------------------------------------------------------------


def names_of(scenario: Scenario) -> list[tuple[float, str]]:
    """(offset, name) of every request, in the order the child reports them."""
    return [(offset, name) for offset, names in scenario["waves"] for name in names]


def answers_of(scenario: Scenario, seen: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    answers = seen["answers"]
    requests = names_of(scenario)
    if not isinstance(answers, list) or len(answers) != len(requests):
        raise ValueError("not one answer a request")
    return [(name, list(answer)) for (_, name), answer in zip(requests, answers, strict=True)]


def their_farm(seen: dict[str, Any]) -> dict[Any, Any]:
    """The student's FARM as observed: {name: sound} of its plain items."""
    farm = seen.get("farm")
    if not isinstance(farm, dict) or "dict" not in farm:
        return {}
    return {key: value for key, value in farm["dict"] if isinstance(key, str)}


def judged_unknown(name: str, seen: dict[str, Any]) -> bool:
    """An unknown name that the student's FARM does not hold either."""
    return name not in TUTORIAL_FARM and name not in their_farm(seen)


def describe(name: str, answer: list[Any]) -> str:
    status, text = answer[0], answer[1]
    if status is None:
        return f"GET {path_of(name)} -> no answer"
    if status == 0:
        return f"GET {path_of(name)} -> the connection failed ({text})"
    return f"GET {path_of(name)} -> {status} {text!r}"


def with_warnings(details: str | None, seen: dict[str, Any]) -> str | None:
    warned = [f"Python warned: {text}" for text in seen.get("warned", [])]
    if not warned:
        return details
    return "\n".join([*([details] if details else []), *warned,
                      "(a coroutine that is called but never awaited never runs: add await)"])


def judge_sounds(scenario: Scenario, seen: dict[str, Any]) -> None:
    answers = answers_of(scenario, seen)
    wrong = [(name, answer) for name, answer in answers
             if (answer[0], answer[1]) != (200, TUTORIAL_FARM[name])]
    if wrong:
        raise CheckFailed(
            f"{len(wrong)} of the {len(answers)} requests for known animals did not get their "
            f"sound: {scenario['call']}",
            expected="200 and the sound alone, each time an animal is asked, e.g. "
            "GET /animals/cow -> 200 'Moo!'",
            actual="\n".join(describe(name, answer) for name, answer in wrong[:6]),
            details=with_warnings(None, seen),
            advice="take the name from request.match_info and answer with that animal's sound "
            "from FARM as the response's text (the route is /animals/{name}); nothing in the "
            "farm changes when an animal is asked.",
        )
    if scenario.get("farm"):
        judge_farm(seen)


def judge_farm(seen: dict[str, Any]) -> None:
    farm = seen.get("farm")
    if not isinstance(farm, dict) or "dict" not in farm:
        raise CheckFailed("FARM is not a dict.", actual=shown(farm),
                          advice="FARM maps each animal's name to its sound.")
    theirs = their_farm(seen)
    wrong = [f"  {name}: expected {sound!r}, found "
             f"{shown(theirs[name]) if name in theirs else '(missing)'}"
             for name, sound in TUTORIAL_FARM.items() if theirs.get(name) != sound]
    if wrong:
        raise CheckFailed(
            "FARM does not hold every animal of the tutorial with its sound.",
            details="\n".join(wrong),
            advice="keep the twelve animals and sounds given in the exercise (you may add more).",
        )


def judge_not_found(scenario: Scenario, seen: dict[str, Any]) -> None:
    answers = [(name, answer) for name, answer in answers_of(scenario, seen)
               if judged_unknown(name, seen)]
    wrong = [(name, answer) for name, answer in answers
             if (answer[0], answer[1]) != (404, not_found_text(name))]
    if not wrong:
        return
    known_as = [n for n, a in wrong if a[0] == 200 and a[1] in TUTORIAL_FARM.values()]
    named = [(n, found.group(1)) for n, a in wrong
             if (found := NOT_FOUND.fullmatch(str(a[1]))) and found.group(1) != n]
    raise CheckFailed(
        "An animal that is not on the farm did not get the 404 answer: " + scenario["call"],
        expected="\n".join(f"GET {path_of(n)} -> 404 {not_found_text(n)!r}"
                           for n, _ in wrong[:6]),
        actual="\n".join(describe(n, a) for n, a in wrong[:6]),
        details=with_warnings(None, seen),
        advice=(f"{known_as[0]!r} is not a key of FARM: a name is known only when FARM holds "
                "it exactly as it is written in the path." if known_as else
                f"the sentence names the animal as the route gives it to the handler: "
                f"{named[0][0]!r}, not {named[0][1]!r}." if named else
                "when the name is not in FARM, return web.Response(status=404, text=...) with "
                "that sentence, naming the animal as the path gives it (a KeyError would give a "
                "500 instead)."),
    )


def judge_at_once(scenario: Scenario, seen: dict[str, Any]) -> None:
    answers = [(name, answer) for name, answer in answers_of(scenario, seen)
               if judged_unknown(name, seen)]
    late = [(name, answer) for name, answer in answers
            if answer[3] is None or answer[3] - answer[2] > AT_ONCE]
    only_unknown = all(judged_unknown(name, seen) for _, name in names_of(scenario))
    slept = seen.get("slept", []) if only_unknown else []
    if not answers or (not late and not slept):
        return
    waiting = "" if only_unknown else ", while known animals were waiting their DELAY"
    took = ("no answer came" if late and late[0][1][3] is None else
            f"it came after {late[0][1][3] - late[0][1][2]:.1f} s" if late else "it came at once")
    raise CheckFailed(
        f"GET {path_of((late or answers)[0][0])} made the client wait{waiting}, though there is "
        f"nothing to wait for: {scenario['call']}",
        expected="the 404 comes at once (0 s), whatever else the server is doing",
        actual=took + (f"; {describe_sleeps(slept)}" if slept else ""),
        advice="look the name up first and answer the 404 before any waiting: only a "
        "known animal takes DELAY seconds, and one animal's waiting holds back no other request.",
    )


def describe_sleeps(slept: list[Any]) -> str:
    places = (where or f"time.sleep({seconds})" for where, seconds in slept)
    listed = ", ".join(dict.fromkeys(places))
    return f"time.sleep was called {len(slept)} time{'s' if len(slept) > 1 else ''}: {listed}"


def judge_crowd(scenario: Scenario, seen: dict[str, Any]) -> None:
    delay = seen.get("delay")
    if delay != TUTORIAL_DELAY:
        raise CheckFailed(
            "DELAY is not the tutorial's 5 seconds.",
            expected=f"DELAY = {TUTORIAL_DELAY}", actual=f"DELAY = {shown(delay)}",
            advice="keep DELAY at 5: the grader's time is virtual, so a long delay costs nothing.",
        )
    answers = answers_of(scenario, seen)
    known = [(name, answer) for name, answer in answers if name in TUTORIAL_FARM]
    late = [(name, answer) for name, answer in known
            if answer[3] is None or answer[3] - answer[2] > TUTORIAL_DELAY + LATE]
    if late:
        raise too_late(scenario, seen, answers, known, late)
    quickest = min(answer[3] - answer[2] for _, answer in known)
    if quickest < TUTORIAL_DELAY - EARLY:
        raise too_early(scenario, seen, known, quickest)


def too_late(scenario: Scenario, seen: dict[str, Any], answers: list[tuple[str, list[Any]]],
             known: list[tuple[str, list[Any]]], late: list[tuple[str, list[Any]]]
             ) -> CheckFailed:
    waves = scenario["waves"]
    expected = (f"every known animal answers {TUTORIAL_DELAY} s after its own request, all of "
                "them together" + (f", so the {len(answers)} requests take {TUTORIAL_DELAY} s "
                                   "in all" if len(waves) == 1 else ""))
    last = max((a[3] for _, a in answers if a[3] is not None), default=None)
    if len(waves) == 1:
        times = sorted(a[3] for _, a in known if a[3] is not None)
        if len(times) == len(known):
            total = times[-1] - min(a[2] for _, a in answers)
            summary = (f"{len(answers)} request{'s' if len(answers) > 1 else ''} sent at once "
                       f"took {total:.1f} s to be answered.")
        else:
            summary = (f"{len(answers)} requests sent at once: {len(known) - len(times)} of "
                       f"them were still not answered after {TIMING_PATIENCE:g} s.")
        one_by_one = len({round(t, 1) for t in times}) == len(times) > 1
        actual = (f"the answers came {when(times)}: "
                  + ("the animals answered one after another" if one_by_one else
                     "some animals waited for others to be answered first"))
    else:
        name, answer = late[0]
        took = ("got no answer" if answer[3] is None else
                f"was answered {answer[3] - answer[2]:.1f} s after it was sent")
        summary = (f"GET {path_of(name)}, sent at {answer[2]:.1f} s while other requests were "
                   f"waiting, {took}.")
        actual = (f"{len(late)} of the {len(known)} known animals answered late"
                  + (f"; the last answer came at {last:.1f} s" if last is not None else ""))
    return CheckFailed(
        summary, expected=expected, actual=actual,
        details=with_warnings(f"The requests: {scenario['call']}", seen),
        advice="while a handler waits its DELAY the way a coroutine waits, the server answers "
        "other requests, however many there are. Look for something that makes requests "
        "wait for each other (a lock, a limit on how many wait at once, a batch, or waiting in "
        "a way that does not give control back).",
        timeline=answers_picture(scenario, answers),
    )


def when(times: list[float]) -> str:
    """`3 at 5.0 s, 1 at 10.0 s`: how many answers came at each moment."""
    counted = Counter(round(t, 1) for t in times)
    return ", ".join(f"{count} at {moment:.1f} s" for moment, count in sorted(counted.items())[:8])


def too_early(scenario: Scenario, seen: dict[str, Any], known: list[tuple[str, list[Any]]],
              quickest: float) -> CheckFailed:
    slept = seen.get("slept", [])
    name, answer = min(known, key=lambda item: item[1][3] - item[1][2])
    blocked = (f" {describe_sleeps(slept)}: it blocks the whole server instead of waiting "
               "on the event loop." if slept else "")
    return CheckFailed(
        f"A known animal answered after {quickest:.1f} s instead of DELAY seconds.",
        expected=f"every known animal answers {TUTORIAL_DELAY} s after its own request, "
        "however many ask and whenever they ask",
        actual=f"GET {path_of(name)}, sent at {answer[2]:.1f} s, was answered at "
        f"{answer[3]:.1f} s.{blocked}",
        details=with_warnings(f"The requests: {scenario['call']}", seen),
        advice="look at what your handler does before it answers: a known animal waits "
        "DELAY seconds from its own request, the way a coroutine waits, every time it is asked.",
        timeline=answers_picture(scenario, answers_of(scenario, seen)),
    )


def answers_picture(scenario: Scenario, answers: list[tuple[str, list[Any]]]) -> str:
    """When each answer came, next to when right code answers: the wrong ones first chosen, so
    that they are in the picture however large the crowd."""
    requests = [(offset, name, answer) for (offset, name), (_, answer)
                in zip(names_of(scenario), answers, strict=True)]
    on_time = [r[2][3] is not None and abs(r[2][3] - right_time(r[0], r[1])) <= EARLY
               for r in requests]
    wrong = [r for r, fine in zip(requests, on_time, strict=True) if not fine]
    right = [r for r, fine in zip(requests, on_time, strict=True) if fine]
    chosen = [*wrong[:16], *right][:24]
    yours = sorted((PrintedLine(f"{path_of(name)} -> {answer[0]}", answer[3])
                    for _, name, answer in chosen if answer[3] is not None),
                   key=lambda line: line.time or 0.0)
    expected = sorted((PrintedLine(f"{path_of(name)} -> {expected_status(name)}",
                                   right_time(offset, name)) for offset, name, _ in chosen),
                      key=lambda line: line.time or 0.0)
    return side_by_side("When your answers came", yours, "Right code", expected)


def right_time(offset: float, name: str) -> float:
    return round(offset + (TUTORIAL_DELAY if name in TUTORIAL_FARM else 0), 2)


def expected_status(name: str) -> int:
    return 200 if name in TUTORIAL_FARM else 404


# --- The greeting -------------------------------------------------------------------------------
# Input space: GET /animals, once or several times at once (the contract: it answers 200 with the
# farm's greeting, every time, whatever else is asked meanwhile). Drawn: once, and a few at once.

GREETING = "Welcome to the farm!"


def greeting_scenarios(rng: random.Random) -> list[Scenario]:
    many = rng.randint(2, 6)
    return [{"call": "curl -s " + SERVED_AT + "/animals", "times": 1, "size": 1},
            {"call": f"{many} requests of GET /animals at once", "times": many, "size": many}]


sample_greeting = sampled_by(greeting_scenarios)


def judge_greeting(scenario: Scenario, seen: dict[str, Any]) -> None:
    answers = [list(answer) for answer in seen["answers"]]
    if len(answers) != scenario["times"]:
        raise ValueError("not one answer a request")
    for status, text in answers:
        if (status, text) != (200, GREETING):
            raise CheckFailed(
                f"{scenario['call']}: GET /animals did not answer with the greeting.",
                expected=f"200 {GREETING!r}",
                actual=f"{status} {text!r}",
                advice="add a route for GET /animals whose handler returns "
                "web.Response(text=...) with exactly that text."
                if status == 404 else "check the exact wording of the greeting.",
            )


# --- Blocking -----------------------------------------------------------------------------------
# Input space of the blocking check: every route, on any name. Whether a handler blocks is a
# matter of what it calls, so one scenario asks, at once, the greeting, a drawn known animal and a
# drawn unknown name; the child scans the `async def` bodies and watches the run, and the parent
# judges what it saw (graders.kit.context.blocking_judge).

BLOCKING_LESSON = ("A server runs every handler on one event loop: while one handler blocks, no "
                   "other request is answered, however many clients wait.")


def blocking_scenarios(rng: random.Random) -> list[Scenario]:
    names = ["", rng.choice(KNOWN), unknown_name(rng)]
    paths = ", ".join(path_of(name) if name else "/animals" for name in names)
    return [{"call": f"GET {paths}, at once", "names": names}]


sample_blocking = sampled_by(blocking_scenarios)
