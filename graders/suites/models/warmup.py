"""The contract's model of exercise 01, in the parent: the farms and calls its judged checks draw,
and what right code gives for each, against which the child's observations are judged
(graders/kit/scenarios.py). Nothing here runs the student's code. What 01 shares with 05 (speak,
main's lines, one session) is in models/farmclients.py; main's order of requests is 01's own: one
animal after another.

01's client blocks, so its farm runs in a thread of the child with real delays: every second of
them is a second of the grading. They are thousandths of a second here, and the whole exercise
waits about a sixth of a second in the farm (right code asks one animal after another, so main
waits the sum of its animals' delays).
"""

from __future__ import annotations

import random
from functools import partial
from typing import Any

from graders.farm.herds import crowd, tutorial_rows
from graders.kit import CheckFailed, Scenario, sampled_by, sizes
from graders.suites.models import farmclients
from graders.suites.models.farmclients import (
    DEFAULT_ANIMALS,
    Client,
    asked_for,
    fail_on_wrong_requests,
    main_scenario,
)

CLIENT = Client(
    module="animals.py",
    session="requests.Session",
    session_word="session",
    error="requests.HTTPError",
    given_session_advice="call get on the `session` argument: a session keeps its connection "
    "to the farm open, so the next animal does not have to connect again.",
    other_sessions_note=" (requests.get makes a new session each time)",
    one_session_advice="make one requests.Session in main (a `with` block closes it at the "
    "end) and hand it to speak for every animal; requests.get opens a new session, and a new "
    "connection, each time.",
    no_error_advice="an answer with an error status is not a sound: check the response's "
    "status (response.raise_for_status() raises requests.HTTPError for 4xx and 5xx) before you "
    "use its text.",
    other_error_advice="let requests turn an error status into its own exception: "
    "response.raise_for_status() raises requests.HTTPError.",
    order_note=": ask for each animal in turn, in the order given, and keep each line as it "
    "comes back.",
)
RESULTS_DELAYS = (0.001, 0.003)
"""Real seconds an animal takes when only results matter: short, odd and different, so that a
client that asks at once (threads) gets its answers in another order than it asked."""
RESULT_STRATA = ((1, 1), (2, 3), (4, 9), (10, 16))
"""main's results: one, a few, past three, a crowd with repeats (and main(), and main(()))."""
SEQUENTIAL_DELAYS = (0.004, 0.008)
"""Real seconds an animal takes when the check is whether main asks one after another. A
sequential client can only send its next request after it got the previous answer, which the farm
writes down before it sends it, so no load can make right code look concurrent. A client that asks
at once (threads) sends its requests within a millisecond or so of each other, each of which
stays 4 ms or more in the farm: for none of them to overlap, every thread would have to stall
longer than that, in every scenario. Measured with a thread pool's main on two or three animals
(one scenario): no overlap in 1 of 80 at rest and 9 of 80 with both cores kept busy, against 0
and 7 at 6 to 12 ms: the pool's own start decides more than the delay does, and a grading fails
such a main on any of its three scenarios."""
SEQUENTIAL_STRATA = ((2, 3), (4, 7))
"""main()'s three, then a few and past three: one animal alone cannot overlap another."""

sample_speak_lines = sampled_by(partial(farmclients.speak_line_scenarios, delays=RESULTS_DELAYS))
judge_speak_line = farmclients.judge_speak_line
judge_url = partial(farmclients.judge_url, CLIENT)
sample_given_session = sampled_by(partial(farmclients.given_session_scenarios,
                                          delays=RESULTS_DELAYS))
judge_given_session = partial(farmclients.judge_given_session, CLIENT)
sample_errors = sampled_by(partial(farmclients.error_scenarios, delays=RESULTS_DELAYS))
judge_speak_error = partial(farmclients.judge_speak_error, CLIENT)
sample_main_lines = partial(farmclients.sample_main_lines, delays=RESULTS_DELAYS,
                            strata=RESULT_STRATA)
judge_main_lines = partial(farmclients.judge_main_lines, CLIENT)
judge_one_session = partial(farmclients.judge_one_session, CLIENT)


# Input space of main_is_sequential (the contract: one animal after another): any number of
# animals, repeats included; each request is sent only after the previous answer came. Strata:
# main() (the tutorial's three); 2..3; 4..7; delays odd (SEQUENTIAL_DELAYS says why).
def sequential_scenarios(rng: random.Random) -> list[Scenario]:
    chosen = [main_scenario(None, tutorial_rows(rng, DEFAULT_ANIMALS, None,
                                                *SEQUENTIAL_DELAYS))]
    chosen += [main_scenario(*crowd(rng, size, *SEQUENTIAL_DELAYS))
               for size in sizes(rng, SEQUENTIAL_STRATA)]
    return chosen


def judge_sequential(scenario: Scenario, seen: dict[str, Any]) -> None:
    log = fail_on_wrong_requests(scenario, seen, asked_for(scenario))
    overlaps = log.overlapping()
    if not overlaps:
        return
    first, second = overlaps[0]
    raise CheckFailed(
        f"{scenario['call']} asked for several animals at the same time.",
        expected="each request sent after the previous answer came back",
        actual=f"{second.path} arrived while {first.path} was still being answered"
        + (f" ({len(overlaps)} such pairs)" if len(overlaps) > 1 else ""),
        advice="this warmup is the slow, sequential version on purpose: ask for each animal "
        "in turn. Doing them all at once is exercise 05, with asyncio.",
    )


sample_sequential = sampled_by(sequential_scenarios)
