"""The contract's model of exercise 05, in the parent: the farms and calls its judged checks draw,
and what right code gives for each, against which the child's observations are judged
(graders/kit/scenarios.py). Nothing here runs the student's code. What 05 shares with 01 (speak,
main's lines, one session) is in models/farmclients.py; main's timing is 05's own: every animal
at once, so main takes as long as its slowest animal.

Delays are virtual (the farm runs on the check's looptime loop), so they can be the tutorial's
size and a crowd of a hundred costs milliseconds.
"""

from __future__ import annotations

import random
from functools import partial
from typing import Any

from graders.farm.herds import crowd, path_of, tutorial_rows
from graders.farm.records import DELAY, FarmLog
from graders.kit import CheckFailed, PrintedLine, Scenario, sampled_by, side_by_side, sizes
from graders.suites.models import farmclients
from graders.suites.models.farmclients import (
    DEFAULT_ANIMALS,
    Client,
    asked_for,
    fail_on_wrong_requests,
    main_scenario,
    the_farm_answered,
)

CLIENT = Client(
    module="animals_asyncio.py",
    session="aiohttp.ClientSession",
    session_word="ClientSession",
    error="aiohttp.ClientResponseError",
    given_session_advice="make the request through the `session` argument: one session shares "
    "its connections among all the requests.",
    other_sessions_note="",
    one_session_advice="make one aiohttp.ClientSession in main and hand it to every speak: a "
    "session keeps a pool of connections for all of them, and opening one per request is slow "
    "and wasteful.",
    no_error_advice="an answer with an error status is not a sound: check the response's status "
    "before you use its text (response.raise_for_status() does it for you). A session made "
    "with raise_for_status=True would raise for you, but speak gets whatever session its "
    "caller made, so it checks by itself.",
    other_error_advice="response.raise_for_status() raises aiohttp.ClientResponseError for an "
    "error status; so does raising it yourself with the response's request_info and status.",
    order_note=": gather (or tasks kept in a list) give results in the order the animals were "
    "given, whatever the order the answers come in.",
)
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

sample_speak_lines = sampled_by(partial(farmclients.speak_line_scenarios, delays=RESULTS_DELAYS))
judge_speak_line = farmclients.judge_speak_line
judge_url = partial(farmclients.judge_url, CLIENT)
sample_given_session = sampled_by(partial(farmclients.given_session_scenarios,
                                          delays=RESULTS_DELAYS))
judge_given_session = partial(farmclients.judge_given_session, CLIENT)
sample_errors = sampled_by(partial(farmclients.error_scenarios, delays=RESULTS_DELAYS))
judge_speak_error = partial(farmclients.judge_speak_error, CLIENT)
sample_main_lines = partial(farmclients.sample_main_lines, delays=RESULTS_DELAYS)
judge_main_lines = partial(farmclients.judge_main_lines, CLIENT)
judge_one_session = partial(farmclients.judge_one_session, CLIENT)


# Input space of main_overlaps_requests (the contract: every animal concurrently, one server
# delay in all, not one per animal): any number of animals, repeats included; main takes as long
# as its slowest animal, whatever their number. Strata: main() (the tutorial's three, 5 s each);
# 1; 2..3; 4..9 (past a batch of three); 11..30 (past a semaphore, or a connector limit, of ten);
# 31..60; 61..100 (aiohttp's own connector holds a hundred connections: a right main needs no
# more). Delays odd, between 3 and 5 s (TIMING_DELAYS says why); a crowd's animals share
# TIMING_DELAY_COUNT of them, ties included: only when the answers come is judged, not their order.
TIMING_STRATA = ((1, 1), (2, 3), (4, 9), (11, 30), (31, 60), (61, 100))
TIMING_DELAY_COUNT = 4


def main_timing_scenarios(rng: random.Random) -> list[Scenario]:
    chosen = [main_scenario(None, tutorial_rows(rng, DEFAULT_ANIMALS, DELAY, *TIMING_DELAYS))]
    for size in sizes(rng, TIMING_STRATA):
        chosen.append(main_scenario(*crowd(rng, size, *TIMING_DELAYS,
                                           delays=min(size, TIMING_DELAY_COUNT))))
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


# --- Blocking -----------------------------------------------------------------------------------
# Input space of the blocking check: main on any animals. Whether a client blocks is a matter of
# what it calls (requests, urllib, time.sleep), which the animals do not change, so one scenario:
# main() as the program runs it, on the tutorial's animals, every blocking call watched; the child
# also scans the `async def` bodies, and the parent judges what it saw
# (graders.kit.context.blocking_judge).


def sample_blocking(rng: random.Random) -> list[Scenario]:
    return [{"call": "main()"}]
