"""The contract's model of exercise 05, in the parent: the farms and calls its judged checks draw,
and what right code gives for each, against which the child's observations are judged
(graders/kit/scenarios.py). Nothing here runs the student's code.

A scenario holds the farm the child serves for it (`farm`: rows `[name, status, text, delay]`,
graders/farm/herds.py) and the call: `speak(animal, session)` (`animal`) or `main(animals)`
(`animals`, None for `main()`). What the child observes: what the call returned or raised, what
it printed and when, how long it took in virtual seconds, what the farm was asked (each request's
path, status and times: graders/farm/clients.py) and through which sessions.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from graders.farm.clients import (
    check_base_url_value,
    log_from,
    wrong_requests,
)
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
    odd_delay,
    path_of,
    sounds_of,
    status_of,
    text_of,
    tutorial_rows,
)
from graders.farm.service import DELAY, FARM, FarmLog, speech
from graders.kit import (
    CheckFailed,
    PrintedLine,
    Scenario,
    as_list,
    sampled_by,
    shown,
    side_by_side,
    sizes,
)

MODULE = "animals_asyncio.py"
DEFAULT_ANIMALS = ("cow", "pig", "chicken")
RESULTS_DELAYS = (0.2, 9.0)
"""Virtual seconds an animal takes in the results checks: odd and different, so that the answers
come back in another order than the animals were asked for."""
TIMING_DELAYS = (3.0, 5.0)
"""Virtual seconds an animal takes in the timing check. Any two of them one after the other take
longer (6 s at least) than the slowest alone plus LATE: a request that waits for another's answer
before it is sent always shows, however the delays were drawn."""
EARLY = 0.01
LATE = 0.5
"""Virtual seconds main may take past its slowest animal: right code is exact on virtual time,
this only absorbs a loopback socket slow to deliver on a loaded machine."""


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


def speak_line_scenarios(rng: random.Random) -> list[Scenario]:
    cow = rng.choice(TUTORIAL)
    renamed = rng.choice([name for name in TUTORIAL if name != cow])
    chosen = [speak_scenario(cow, tutorial_rows(rng, [cow], None, *RESULTS_DELAYS), 0),
              speak_scenario(renamed, tutorial_rows(rng, [renamed], None, *RESULTS_DELAYS,
                                                    renamed_sounds=True), 1)]
    for index, name in enumerate(made_up_names(rng, len(NAME_KINDS))):
        row = farm_row(name, made_up_sound(rng, SOUND_KINDS[(index + 1) % len(SOUND_KINDS)]),
                       odd_delay(rng, *RESULTS_DELAYS))
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


sample_speak_lines = sampled_by(speak_line_scenarios)


# Input space of speak_asks_the_right_url (the contract: GET {BASE_URL}/{animal}, BASE_URL the
# farm's /animals URL without a trailing slash): any name; the path the farm sees is
# /animals/{animal}, decoded. Three calls: a tutorial animal, a name with a space, one beyond
# ASCII (which the client sends percent-encoded).
def url_scenarios(rng: random.Random) -> list[Scenario]:
    cow = rng.choice(TUTORIAL)
    spaced, beyond = made_up_names(rng, 2, kinds=("spaces", "unicode"))
    return [speak_scenario(cow, tutorial_rows(rng, [cow], None, *RESULTS_DELAYS), 0),
            *(speak_scenario(name, made_up_rows(rng, [name], *RESULTS_DELAYS), 1)
              for name in (spaced, beyond))]


def judge_url(scenario: Scenario, seen: dict[str, Any]) -> None:
    fail_on_wrong_requests(scenario, seen, [scenario["animal"]])
    check_base_url_value(seen["base_url"], MODULE)


sample_urls = sampled_by(url_scenarios)


# Input space of speak_uses_given_session (the contract: speak asks with the session it is
# given): any name. Two calls: a tutorial animal and a made-up one.
def given_session_scenarios(rng: random.Random) -> list[Scenario]:
    cow = rng.choice(TUTORIAL)
    name = made_up_names(rng, 1, kinds=(rng.choice(NAME_KINDS),))[0]
    return [speak_scenario(cow, tutorial_rows(rng, [cow], None, *RESULTS_DELAYS), 0),
            speak_scenario(name, made_up_rows(rng, [name], *RESULTS_DELAYS), 1)]


def judge_given_session(scenario: Scenario, seen: dict[str, Any]) -> None:
    through = seen["sessions"]
    others = [used for used in through if used != "given"]
    if through and not others:
        return
    call = scenario["call"]
    raise CheckFailed(
        f"{call} did not make its request with the session it was given.",
        expected="one request, through the ClientSession passed in",
        actual=f"{len(others)} request(s) through another ClientSession"
        if others else "no request through any aiohttp.ClientSession",
        advice="make the request through the `session` argument: one session shares its "
        "connections among all the requests.",
    )


sample_given_session = sampled_by(given_session_scenarios)


# Input space of speak_raises_on_error_status (the contract: an HTTP error status raises
# aiohttp.ClientResponseError): every status from 400 to 599, with any text (an empty one too),
# after any delay; 404 at once for a name the farm does not know, of any kind (a tutorial animal
# written with capitals is not the tutorial's). Strata, seven calls: an unknown plain name; an
# unknown tutorial name in capitals; an unknown name beyond ASCII; two known animals answering
# a client error (4xx but 404); two answering a server error (5xx).
def error_scenarios(rng: random.Random) -> list[Scenario]:
    known = [rng.choice(TUTORIAL), *made_up_names(rng, 3, kinds=NAME_KINDS[1:])]
    farm = [*tutorial_rows(rng, known[:1], None, *RESULTS_DELAYS),
            *made_up_rows(rng, known[1:], *RESULTS_DELAYS)]
    plain, beyond = made_up_names(rng, 2, kinds=("plain", "unicode"), taken=known)
    capitalised = rng.choice(TUTORIAL).capitalize()
    chosen = [speak_scenario(name, farm, 0) for name in (plain, capitalised, beyond)]
    statuses = [error_status(rng, "client"), error_status(rng, "client"),
                error_status(rng, "server"), error_status(rng, "server")]
    for index, status in enumerate(statuses):
        name = known[index]
        text = rng.choice(("The farm is closed for the night.", "Too many visitors.",
                           "The gate is stuck.", "Error", ""))
        row = farm_row(name, text, odd_delay(rng, *RESULTS_DELAYS), status)
        chosen.append(speak_scenario(name, [row, *(r for r in farm if r[0] != name)], 1))
    return chosen


def judge_speak_error(scenario: Scenario, seen: dict[str, Any]) -> None:
    animal, farm, call = scenario["animal"], scenario["farm"], scenario["call"]
    fail_on_wrong_requests(scenario, seen, [animal])
    status, text = status_of(farm, animal), text_of(farm, animal)
    error = seen.get("error")
    if isinstance(error, dict) and error.get("response_error"):
        return
    answered = f"the farm answered {status} and {text!r}"
    others = ("" if status == NOT_FOUND else
              f" {status} is an error status as much as 404 is: every status from 400 up says "
              "that there is no sound to make a line of.")
    if isinstance(error, dict):
        raise CheckFailed(
            f"{call} raised {error['type']}, not aiohttp.ClientResponseError.",
            expected=f"aiohttp.ClientResponseError, because {answered}",
            actual=f"{error['type']}: {error.get('message', '')}",
            advice="response.raise_for_status() raises aiohttp.ClientResponseError for an error "
            "status; so does raising it yourself with the response's request_info and status."
            + others,
        )
    raise CheckFailed(
        f"{call} returned instead of raising aiohttp.ClientResponseError.",
        expected=f"aiohttp.ClientResponseError: {answered}",
        actual=f"it returned {shown(seen['value'])}",
        advice="an answer with an error status is not a sound: check the response's status "
        "before you use its text (response.raise_for_status() does it for you). A session "
        "made with raise_for_status=True would raise for you, but speak gets whatever session "
        "its caller made, so it checks by itself." + others,
    )


sample_errors = sampled_by(error_scenarios)


# --- main ----------------------------------------------------------------------------------------
# Input space of main_prints_and_returns_lines (the contract: one session, prints and returns the
# lines in the order the animals were given): any sequence of names the farm knows (none at all
# too), repeats included, whatever order the answers come back in. Strata: main() (cow answers
# last); no animal; one made-up; 2..3; 4..9 with repeats; 10..40 with repeats, the first animal
# answering last; every delay odd, so that the answers come back out of order.
RESULT_STRATA = ((1, 1), (2, 3), (4, 9), (10, 40))


def main_result_scenarios(rng: random.Random) -> list[Scenario]:
    default = tutorial_rows(rng, DEFAULT_ANIMALS, None, *RESULTS_DELAYS)
    default[0][3] = round(max(row[3] for row in default) + 0.37, 2)  # cow answers last
    chosen = [main_scenario(None, default), main_scenario([], [])]
    for size in sizes(rng, RESULT_STRATA):
        animals, farm = crowd(rng, size, *RESULTS_DELAYS, slowest_first=size >= 10)
        chosen.append(main_scenario(animals, farm))
    return chosen


def sample_main_lines(rng: random.Random) -> list[Scenario]:
    """The results scenarios, the smallest of which also judges what the module ran when it was
    imported."""
    chosen = sampled_by(main_result_scenarios)(rng)
    chosen[0]["import"] = True
    return chosen


def judge_main_lines(scenario: Scenario, seen: dict[str, Any]) -> None:
    animals, call = asked_for(scenario), scenario["call"]
    fail_on_wrong_requests(scenario, seen, animals)
    expected = lines_of(scenario["farm"], animals)
    returned = seen["value"]
    items = as_list(returned)
    if isinstance(returned, dict) and "tuple" in returned and items == expected:
        raise CheckFailed(f"{call} returned a tuple, not a list.",
                          advice="return a list of the lines (list(...) if need be).")
    out_of_order = out_of_order_note(scenario, animals)
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
            f"{MODULE} runs its program when it is imported.",
            expected='calls of main() only under if __name__ == "__main__":',
            actual="\n".join(seen["at_import"]),
            advice="code at the top level of a module runs on every import (the grader's and "
            "your tests' too): put the call under if __name__ == \"__main__\":",
        )


def out_of_order_note(scenario: Scenario, animals: list[str]) -> str:
    """Says in which order the farm answered, when that is not the order asked."""
    delays = {row[0]: float(row[3]) for row in scenario["farm"]}
    first = min(dict.fromkeys(animals), key=lambda a: delays.get(a, 0.0), default=None)
    last = max(dict.fromkeys(animals), key=lambda a: delays.get(a, 0.0), default=None)
    if first is None or (animals[0] == first and animals[-1] == last):
        return ""
    return (f" The farm answers {first!r} first and {last!r} last here: gather (or tasks kept "
            "in a list) give results in the order the animals were given, whatever the order "
            "the answers come in.")


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



# Input space of main_overlaps_requests (the contract: every animal concurrently, one server
# delay in all, not one per animal): any number of animals, repeats included; main takes as long
# as its slowest animal, whatever their number. Strata: main() (the tutorial's three, 5 s each);
# 1; 2..3; 4..9 (past a batch of three); 11..30 (past a semaphore, or a connector limit, of ten);
# 31..60; 61..100 (aiohttp's own connector holds a hundred connections: a right main needs no
# more). Delays odd, between 3 and 5 s (TIMING_DELAYS says why).
TIMING_STRATA = ((1, 1), (2, 3), (4, 9), (11, 30), (31, 60), (61, 100))


def main_timing_scenarios(rng: random.Random) -> list[Scenario]:
    chosen = [main_scenario(None, tutorial_rows(rng, DEFAULT_ANIMALS, DELAY, *TIMING_DELAYS))]
    for size in sizes(rng, TIMING_STRATA):
        chosen.append(main_scenario(*crowd(rng, size, *TIMING_DELAYS)))
    return chosen


def slowest(scenario: Scenario) -> float:
    delays = {row[0]: float(row[3]) for row in scenario["farm"]}
    return max(delays[animal] for animal in asked_for(scenario))


def judge_main_timing(scenario: Scenario, seen: dict[str, Any]) -> None:
    animals, call = asked_for(scenario), scenario["call"]
    log = fail_on_wrong_requests(scenario, seen, animals)
    seconds, expected = float(seen["seconds"]), slowest(scenario)
    if expected - EARLY <= seconds <= expected + LATE:
        return
    how_many = f"{len(animals)} animal" + ("s" if len(animals) > 1 else "")
    if seconds > expected + LATE:
        in_flight = most_in_flight(log)
        raise CheckFailed(
            f"{call} took {seconds:g} s of virtual time; asked for all at once, {how_many} "
            f"take {expected:g} s.",
            expected=f"about {expected:g} s, the time of the slowest animal: the {how_many} "
            "wait for the farm at the same time, however many there are",
            actual=f"{seconds:g} s: " + (
                "the farm was asked for one animal after the other" if in_flight <= 1 else
                f"some animals were asked for only after others were answered (at most "
                f"{in_flight} of the {len(animals)} requests were at the farm at the same "
                "time)"),
            details=the_farm_answered(scenario, animals),
            advice="start every speak before you wait for any of them: asyncio.gather(...) over "
            "all the coroutines, or tasks in an asyncio.TaskGroup; an `await` in a for loop "
            "waits for each answer before it asks for the next animal, and a limit on how many "
            "are asked at a time (a semaphore, a connector's limit, batches) makes the rest "
            "wait their turn.",
            timeline=requests_picture(scenario, log),
        )
    raise CheckFailed(
        f"{call} took {seconds:g} s of virtual time, less than its slowest animal's "
        f"{expected:g} s.",
        expected=f"about {expected:g} s",
        actual=f"{seconds:g} s",
        advice="the answers cannot come back before the farm's delay: does main really wait "
        "for aiohttp's answers, or does something block the event loop meanwhile (a blocking "
        "call takes no time on the grader's clock)?",
    )


def most_in_flight(log: FarmLog) -> int:
    """The most requests the farm held at one moment."""
    events = sorted([(visit.arrived, 1) for visit in log.visits]
                    + [(visit.answered, -1) for visit in log.visits if visit.answered is not None])
    most = now = 0
    for _, step in events:  # at one instant, an answer (-1) comes before a new request (+1)
        now += step
        most = max(most, now)
    return most


PICTURED = 24
"""Requests a timing picture shows at most: the late ones first."""


def farm_timeline(log: FarmLog, pictured: int | None = None) -> list[PrintedLine]:
    """The farm's requests and answers in the order they happened, times from the first request;
    at most `pictured` requests, those that came late first. At one instant, each request comes
    before its own answer, and an answer before the requests that arrived after its own (a
    one-after-another main asks for pig the moment cow's answer came)."""
    start = min((visit.arrived for visit in log.visits), default=0.0)
    chosen = list(range(len(log.visits)))
    if pictured is not None:
        late = [i for i in chosen if log.visits[i].arrived - start > EARLY]
        on_time = [i for i in chosen if log.visits[i].arrived - start <= EARLY]
        picked = late[:pictured // 2]
        picked += on_time[:pictured - len(picked)]
        picked += late[pictured // 2:][:pictured - len(picked)]
        chosen = sorted(picked)
    events = [((log.visits[i].arrived, i, 0), f"asked for {log.visits[i].path}") for i in chosen]
    events += [((v.answered, i, 1), f"answered {v.path}") for i in chosen
               if (v := log.visits[i]).answered is not None]
    return [PrintedLine(text, when - start) for (when, _, _), text in sorted(events)]


def requests_picture(scenario: Scenario, log: FarmLog) -> str:
    """When the farm was asked and answered, next to what right code does."""
    delays = {row[0]: float(row[3]) for row in scenario["farm"]}
    yours = farm_timeline(log, PICTURED)
    names = [line.text.removeprefix("asked for /animals/") for line in yours
             if line.text.startswith("asked for ")]
    right = [*(PrintedLine(f"asked for {path_of(a)}", 0.0) for a in names),
             *sorted((PrintedLine(f"answered {path_of(a)}", delays.get(a, 0.0)) for a in names),
                     key=lambda line: line.time or 0.0)]
    title = f"Your {scenario['call']}" if len(scenario["call"]) < 40 else "Yours"
    return side_by_side(title, yours, "All at once", right)


sample_main_timing = sampled_by(main_timing_scenarios)


# Input space of main_uses_one_session (the contract: one session for every animal): any number
# of animals. Strata: main(); 1; 4..9; 11..40.
SESSION_STRATA = ((1, 1), (4, 9), (11, 40))


def session_scenarios(rng: random.Random) -> list[Scenario]:
    chosen = [main_scenario(None, tutorial_rows(rng, DEFAULT_ANIMALS, None, *RESULTS_DELAYS))]
    chosen += [main_scenario(*crowd(rng, size, *RESULTS_DELAYS))
               for size in sizes(rng, SESSION_STRATA)]
    return chosen


def judge_one_session(scenario: Scenario, seen: dict[str, Any]) -> None:
    fail_on_wrong_requests(scenario, seen, asked_for(scenario))
    sessions = seen["sessions"]
    if len(set(sessions)) == 1 and len(sessions) == len(asked_for(scenario)):
        return
    call, count = scenario["call"], len(asked_for(scenario))
    raise CheckFailed(
        f"{call} did not ask for all its animals through one ClientSession.",
        expected=f"{count} request{'s' * (count > 1)} through 1 aiohttp.ClientSession",
        actual=f"{len(sessions)} request(s) through {len(set(sessions))} sessions",
        advice="make one aiohttp.ClientSession in main and hand it to every speak: a "
        "session keeps a pool of connections for all of them, and opening one per request "
        "is slow and wasteful.",
    )


sample_sessions = sampled_by(session_scenarios)

