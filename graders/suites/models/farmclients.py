"""What the judged checks of the farm's two clients share (01, `requests`, and 05, aiohttp), in
the parent: the scenarios of speak and main, and what right code gives for each
(graders/kit/scenarios.py). Their contracts differ in the session, the error raised and how main
asks (one animal after another, or all at once); `Client` says how, and each exercise's model
(models/warmup.py, models/animals.py) binds these to its client and its delays.

A scenario holds the farm the child serves for it (`farm`: rows `[name, status, text, delay]`,
graders/farm/herds.py) and the call: `speak(animal, session)` (`animal`) or `main(animals)`
(`animals`, None for `main()`). What the child observes: what the call returned or raised (and
whether that was the contract's error, judged by the exception's own classes), what it printed,
what the farm was asked (each request's path, status and times: graders/farm/clients.py), and
through which sessions ("given" for the one speak was given, else 1, 2, ...).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graders.farm.clients import check_base_url, log_from, wrong_requests
from graders.farm.herds import (
    NAME_KINDS,
    NOT_FOUND,
    SOUND_KINDS,
    TUTORIAL,
    crowd,
    error_status,
    farm_row,
    lines_of,
    made_up_names,
    made_up_rows,
    made_up_sound,
    make_slowest,
    odd_delay,
    path_of,
    sounds_of,
    status_of,
    text_of,
    tutorial_rows,
)
from graders.farm.records import FARM, FarmLog, speech
from graders.kit import CheckFailed, Scenario, as_list, sampled_by, shown, sizes

DEFAULT_ANIMALS = ("cow", "pig", "chicken")
Delays = tuple[float, float]
"""(low, high): the seconds an animal takes, drawn between them, odd."""
Strata = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Client:
    """How one exercise's client differs from the other's, in what the learner reads."""

    module: str
    """The module the learner edits."""
    session: str
    """The session's class, as the learner writes it ("requests.Session")."""
    session_word: str
    """The session in a sentence ("session", "ClientSession")."""
    error: str
    """The exception an error status raises ("requests.HTTPError")."""
    given_session_advice: str
    other_sessions_note: str
    """Said after "N request(s) through another session"."""
    one_session_advice: str
    no_error_advice: str
    """When speak returned for an error status."""
    other_error_advice: str
    """When speak raised another exception for an error status."""
    order_note: str
    """Said after "The farm answers 'x' first and 'y' last here" when main's lines are wrong."""


def speak_call(animal: str) -> str:
    return f"speak({animal!r}, session)"


def main_call(animals: Sequence[str] | None) -> str:
    return "main()" if animals is None else f"main({tuple(animals)!r})"


def speak_scenario(animal: str, farm: list[list[Any]], size: int) -> Scenario:
    return {"call": speak_call(animal), "size": size, "animal": animal, "farm": farm}


def main_scenario(animals: list[str] | None, farm: list[list[Any]]) -> Scenario:
    asked = list(DEFAULT_ANIMALS) if animals is None else animals
    return {"call": main_call(animals), "size": len(asked), "animals": animals, "farm": farm}


def asked_for(scenario: Scenario) -> list[str]:
    animals = scenario.get("animals")
    return list(DEFAULT_ANIMALS) if animals is None else list(animals)


def the_farm_answered(scenario: Scenario, animals: Sequence[str]) -> str:
    """What the grader's farm answered for these animals, for the message: it is not the
    tutorial's farm, so the learner cannot know it otherwise."""
    farm = scenario["farm"]
    rows = [f"  {path_of(a)} -> {status_of(farm, a)} {text_of(farm, a)!r}"
            + (f" after {delay:g} s" if (delay := delay_of(farm, a)) else "")
            for a in dict.fromkeys(animals)]
    shown_rows = rows[:8] + ([f"  ... and {len(rows) - 8} more"] if len(rows) > 8 else [])
    return "The grader's farm answered:\n" + "\n".join(shown_rows)


def delay_of(farm: list[list[Any]], name: str) -> float:
    return next((float(delay) for known, _, _, delay in farm if known == name), 0.0)


def fail_on_wrong_requests(scenario: Scenario, seen: dict[str, Any], expected: list[str]
                           ) -> FarmLog:
    log = log_from(seen["visits"])
    wrong = wrong_requests(log, [path_of(animal) for animal in expected], scenario["call"])
    if wrong is not None:
        wrong.details = the_farm_answered(scenario, expected)
        raise wrong
    return log


# --- speak ---------------------------------------------------------------------------------------
# Input space of speak_returns_line (the contract: GET {BASE_URL}/{animal} through the session
# given, returns `The {animal} says "{text}".` with the text the farm answered): any name a path
# segment carries as it is, with any line (graders/farm/herds.py). Strata, eight calls: a tutorial
# animal with its sound; a tutorial animal with a made-up sound (a line known in advance is
# wrong); one made-up name of each kind (plain, capitals, digits, dashes, spaces, beyond ASCII),
# each with a line of another kind (spaces, quotes, beyond ASCII, digits, long); odd delays.


def speak_line_scenarios(rng: random.Random, delays: Delays) -> list[Scenario]:
    cow = rng.choice(TUTORIAL)
    renamed = rng.choice([name for name in TUTORIAL if name != cow])
    chosen = [speak_scenario(cow, tutorial_rows(rng, [cow], None, *delays), 0),
              speak_scenario(renamed, tutorial_rows(rng, [renamed], None, *delays,
                                                    renamed_sounds=True), 1)]
    for index, name in enumerate(made_up_names(rng, len(NAME_KINDS))):
        row = farm_row(name, made_up_sound(rng, SOUND_KINDS[(index + 1) % len(SOUND_KINDS)]),
                       odd_delay(rng, *delays))
        chosen.append(speak_scenario(name, [row], 2))
    return chosen


def judge_speak_line(scenario: Scenario, seen: dict[str, Any]) -> None:
    animal, farm, call = scenario["animal"], scenario["farm"], scenario["call"]
    fail_on_wrong_requests(scenario, seen, [animal])
    text = sounds_of(farm)[animal]
    expected = speech(animal, text)
    value = seen["value"]
    if value == expected:  # an observed str is a str: nothing else compares equal to one
        return
    if not isinstance(value, str):
        advice = "speak returns the line itself, a str, once the farm's answer has been read."
    elif animal in FARM and FARM[animal] != text and FARM[animal] in value:
        advice = ("this time the farm answered something else than the tutorial's sound: the "
                  "line's sound is the text of the farm's answer, never one known in advance.")
    elif text not in value:
        advice = ("the line's sound is the text of the farm's answer, whatever it says (the "
                  "grader's farm knows animals the tutorial never had).")
    else:
        advice = ("compare the two lines character by character: the animal as it was given, "
                  "the quotes around the sound and the full stop at the end.")
    raise CheckFailed(
        f"{call} returned the wrong line.",
        expected=repr(expected), actual=shown(value),
        details=the_farm_answered(scenario, [animal]), advice=advice,
    )



# Input space of speak_asks_the_right_url (the contract: GET {BASE_URL}/{animal}, BASE_URL the
# farm's /animals URL without a trailing slash): any name; the path the farm sees is
# /animals/{animal}, decoded. Strata: a tutorial animal, a name with a space, one beyond ASCII
# (which the client sends percent-encoded). Judged on speak_returns_line's calls (the suites
# share its draw, and the child makes each call once), which hold all three and more.
def judge_url(client: Client, scenario: Scenario, seen: dict[str, Any]) -> None:
    fail_on_wrong_requests(scenario, seen, [scenario["animal"]])
    check_base_url(seen["base_url"], client.module)



# Input space of speak_uses_given_session (the contract: speak asks with the session it is
# given): any name. Two calls: a tutorial animal and a made-up one. Its own, not
# speak_returns_line's: a client that never uses the session may fail on some names (urllib on
# letters beyond ASCII), and this check's message is about the session.
def given_session_scenarios(rng: random.Random, delays: Delays) -> list[Scenario]:
    cow = rng.choice(TUTORIAL)
    name = made_up_names(rng, 1, kinds=(rng.choice(NAME_KINDS),))[0]
    return [speak_scenario(cow, tutorial_rows(rng, [cow], None, *delays), 0),
            speak_scenario(name, made_up_rows(rng, [name], *delays), 1)]


def judge_given_session(client: Client, scenario: Scenario, seen: dict[str, Any]) -> None:
    through = seen["sessions"]
    others = [used for used in through if used != "given"]
    if through and not others:
        return
    call = scenario["call"]
    raise CheckFailed(
        f"{call} did not make its request with the session it was given.",
        expected=f"one request, through the {client.session} passed in",
        actual=f"{len(others)} request(s) through another {client.session_word}"
        + client.other_sessions_note if others else f"no request through any {client.session}",
        advice=client.given_session_advice,
    )



# Input space of speak_raises_on_error_status (the contract: an HTTP error status raises
# aiohttp.ClientResponseError): every status from 400 to 599, with any text (an empty one too),
# after any delay; 404 at once for a name the farm does not know, of any kind (a tutorial animal
# written with capitals is not the tutorial's). Strata, seven calls: an unknown plain name; an
# unknown tutorial name in capitals; an unknown name beyond ASCII; two known animals answering
# a client error (4xx but 404); two answering a server error (5xx).
def error_scenarios(rng: random.Random, delays: Delays) -> list[Scenario]:
    known = [rng.choice(TUTORIAL), *made_up_names(rng, 3, kinds=NAME_KINDS[1:])]
    farm = [*tutorial_rows(rng, known[:1], None, *delays),
            *made_up_rows(rng, known[1:], *delays)]
    plain, beyond = made_up_names(rng, 2, kinds=("plain", "unicode"), taken=known)
    capitalised = rng.choice(TUTORIAL).capitalize()
    chosen = [speak_scenario(name, farm, 0) for name in (plain, capitalised, beyond)]
    statuses = [error_status(rng, "client"), error_status(rng, "client"),
                error_status(rng, "server"), error_status(rng, "server")]
    for index, status in enumerate(statuses):
        name = known[index]
        text = rng.choice(("The farm is closed for the night.", "Too many visitors.",
                           "The gate is stuck.", "Error", ""))
        row = farm_row(name, text, odd_delay(rng, *delays), status)
        chosen.append(speak_scenario(name, [row, *(r for r in farm if r[0] != name)], 1))
    return chosen


def judge_speak_error(client: Client, scenario: Scenario, seen: dict[str, Any]) -> None:
    animal, farm, call = scenario["animal"], scenario["farm"], scenario["call"]
    fail_on_wrong_requests(scenario, seen, [animal])
    status, text = status_of(farm, animal), text_of(farm, animal)
    error = seen.get("error")
    if isinstance(error, dict) and error.get("wanted"):
        return
    answered = f"the farm answered {status} and {text!r}"
    others = ("" if status == NOT_FOUND else
              f" {status} is an error status as much as 404 is: every status from 400 up says "
              "that there is no sound to make a line of.")
    if isinstance(error, dict):
        raise CheckFailed(
            f"{call} raised {error['type']}, not {client.error}.",
            expected=f"{client.error}, because {answered}",
            actual=f"{error['type']}: {error.get('message', '')}",
            advice=client.other_error_advice + others,
        )
    raise CheckFailed(
        f"{call} returned instead of raising {client.error}.",
        expected=f"{client.error}: {answered}",
        actual=f"it returned {shown(seen['value'])}",
        advice=client.no_error_advice + others,
    )



# --- main ----------------------------------------------------------------------------------------
# Input space of main_prints_and_returns_lines (the contract: one session, prints and returns the
# lines in the order the animals were given): any sequence of names the farm knows (none at all
# too), repeats included, whatever order the answers come back in. Strata: main() (cow answers
# last); no animal; one made-up; 2..3; 4..9 with repeats; 10..40 with repeats, the first animal
# answering last; every delay odd, so that the answers come back out of order.
RESULT_STRATA = ((1, 1), (2, 3), (4, 9), (10, 40))


def main_result_scenarios(rng: random.Random, delays: Delays,
                          strata: Strata = RESULT_STRATA) -> list[Scenario]:
    default = tutorial_rows(rng, DEFAULT_ANIMALS, None, *delays)
    make_slowest(default, "cow", delays[1])
    chosen = [main_scenario(None, default), main_scenario([], [])]
    for size in sizes(rng, strata):
        animals, farm = crowd(rng, size, *delays, slowest_first=size >= 10)
        chosen.append(main_scenario(animals, farm))
    return chosen


def sample_main_lines(rng: random.Random, delays: Delays,
                      strata: Strata = RESULT_STRATA) -> list[Scenario]:
    """The results scenarios, the smallest of which also judges what the module ran when it was
    imported."""
    chosen = sampled_by(lambda rng: main_result_scenarios(rng, delays, strata))(rng)
    chosen[0]["import"] = True
    return chosen


def judge_main_lines(client: Client, scenario: Scenario, seen: dict[str, Any]) -> None:
    animals, call = asked_for(scenario), scenario["call"]
    fail_on_wrong_requests(scenario, seen, animals)
    expected = lines_of(scenario["farm"], animals)
    returned = seen["value"]
    items = as_list(returned)
    if isinstance(returned, dict) and "tuple" in returned and items == expected:
        raise CheckFailed(f"{call} returned a tuple, not a list.",
                          advice="return a list of the lines (list(...) if need be).")
    out_of_order = out_of_order_note(client, scenario, animals)
    if not (isinstance(returned, dict) and "list" in returned and items == expected):
        raise wrong_lines(call, "returned", expected, returned, scenario, animals,
                          "return a list with one line per animal, in the order the animals "
                          "were given." + out_of_order)
    printed = [text for text, _ in seen["printed"]]
    if not expected:  # print("\n".join(lines)) prints one empty line for no lines: no harm
        printed = [text for text in printed if text]
    if printed != expected:
        raise wrong_lines(call, "printed", expected, {"list": printed}, scenario, animals,
                          "print every line, in the order the animals were given, and nothing "
                          "else." + out_of_order)
    if scenario.get("import") and seen.get("at_import"):
        raise CheckFailed(
            f"{client.module} runs its program when it is imported.",
            expected='calls of main() only under if __name__ == "__main__":',
            actual="\n".join(seen["at_import"]),
            advice="code at the top level of a module runs on every import (the grader's and "
            "your tests' too): put the call under if __name__ == \"__main__\":",
        )


def out_of_order_note(client: Client, scenario: Scenario, animals: list[str]) -> str:
    """Says in which order the farm answered, when that is not the order asked."""
    delays = {row[0]: float(row[3]) for row in scenario["farm"]}
    first = min(dict.fromkeys(animals), key=lambda a: delays.get(a, 0.0), default=None)
    last = max(dict.fromkeys(animals), key=lambda a: delays.get(a, 0.0), default=None)
    if first is None or (animals[0] == first and animals[-1] == last):
        return ""
    return f" The farm answers {first!r} first and {last!r} last here" + client.order_note


def wrong_lines(call: str, what: str, expected: list[str], actual: Any, scenario: Scenario,
                animals: list[str], advice: str) -> CheckFailed:
    items = as_list(actual)
    shown_actual = ("\n".join(shown(item) if not isinstance(item, str) else item
                              for item in items) if items is not None else shown(actual))
    return CheckFailed(
        f"{call} {what} the wrong lines.",
        expected="\n".join(expected) or "(nothing)",
        actual=shown_actual or "(nothing)",
        details=the_farm_answered(scenario, animals) if animals else None,
        advice=advice,
    )



# Input space of main_uses_one_session (the contract: one session for every animal): any number
# of animals. Strata: main(); 1; 4..9; for 05, past ten (a pool of ten sessions). Judged on the
# calls of another check of main whose draw holds them (the suites share it, and the child runs
# each call once): 01's results (up to 16 animals), 05's timing (up to a hundred).
def judge_one_session(client: Client, scenario: Scenario, seen: dict[str, Any]) -> None:
    fail_on_wrong_requests(scenario, seen, asked_for(scenario))
    sessions = seen["sessions"]
    if not asked_for(scenario):  # no animal, no request (as the farm's log showed): no session
        return
    if len(set(sessions)) == 1 and len(sessions) == len(asked_for(scenario)):
        return
    call, count = scenario["call"], len(asked_for(scenario))
    raise CheckFailed(
        f"{call} did not ask for all its animals through one {client.session_word}.",
        expected=f"{count} request{'s' * (count > 1)} through 1 {client.session}",
        actual=f"{len(sessions)} request(s) through {len(set(sessions))} sessions",
        advice=client.one_session_advice,
    )


