"""The contract's model of exercise 01, in the parent: the farms and calls its judged checks draw,
and what right code gives for each, against which the child's observations are judged
(graders/kit/scenarios.py). Nothing here runs the student's code. What 01 shares with 05 (speak,
main's lines, one session) is in models/farmclients.py; main's order of requests is 01's own: one
animal after another.

01's client blocks, so its farm runs in a thread of the child with real delays: every second of
them is a second of the grading. So speak's calls have none (AT_ONCE), main's are thousandths of
a second, and the whole exercise waits about a tenth of a second in the farm (right code asks one
animal after another, so main waits the sum of its animals' delays). Whether main asks one after
another is judged on the calls that judge its lines: one draw, each call made once, whose first
animal answers last and late enough to be overlapped by any client that asks at once (FIRST_HELD).
"""

from __future__ import annotations

import random
from functools import partial
from typing import Any

from graders.kit import CheckFailed, Scenario, sampled_by
from graders.suites.models import farmclients
from graders.suites.models.farmclients import (
    Client,
    asked_for,
    fail_on_wrong_requests,
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
AT_ONCE = (0.0, 0.0)
"""What an animal takes in speak's scenarios: nothing. Each of them is one blocking request, whose
line, URL, session and error come out the same after any delay, while every delay would be a
real wait of the grading's."""
RESULTS_DELAYS = (0.001, 0.003)
"""Real seconds an animal takes in main's scenarios: short, odd and different, so that a client
that asks at once (threads) gets its answers in another order than it asked."""
RESULT_STRATA = ((1, 1), (2, 3), (4, 9), (10, 16))
"""main's results: one, a few, past three, a crowd with repeats (and main(), and main(()))."""
FIRST_HELD = 0.009
"""Real seconds the first animal that main asks for takes, whenever it asks for two or more: past
every other animal's delay, so that it answers last, and long enough for main_is_sequential,
which judges the same calls. A sequential client can only send its next request after it got
the previous answer, which the farm writes down before it sends it, so no load can make right
code look concurrent. A client that asks at once (threads) sends its other requests within a
millisecond or so of the first, which stays 9 ms in the farm: for none of them to overlap it,
every thread would have to stall longer than that, in every scenario of two animals or more.
Measured with the thread-pool and threaded mains of tests/variants/01_warmup, 100 gradings each:
no overlap in 0 to 3 of 400 such scenarios at rest and 6 or 7 of 400 with both cores kept busy
(against 0 to 2 and 10 to 12 of 300 when main_is_sequential had calls of its own, every animal
taking 4 to 8 ms), and no grading passed; and the threads that print as their answers come
printed in the order asked in 23 of 400 scenarios under load, against 96 of 400 before."""

sample_speak_lines = sampled_by(partial(farmclients.speak_line_scenarios, delays=AT_ONCE))
judge_speak_line = farmclients.judge_speak_line
judge_url = partial(farmclients.judge_url, CLIENT)
sample_given_session = sampled_by(partial(farmclients.given_session_scenarios, delays=AT_ONCE))
judge_given_session = partial(farmclients.judge_given_session, CLIENT)
sample_errors = sampled_by(partial(farmclients.error_scenarios, delays=AT_ONCE))
judge_speak_error = partial(farmclients.judge_speak_error, CLIENT)


# Input space of main_prints_and_returns_lines: farmclients.RESULT_STRATA's, up to 16 animals.
# Input space of main_is_sequential (the contract: one animal after another), judged on the same
# calls: any number of animals, repeats included; each request is sent only after the previous
# answer came. Strata: main() (the tutorial's three); 2..3; 4..9; 10..16; the first animal held
# longest (FIRST_HELD says why), the others odd; none and one animal, which cannot overlap.
def sample_main_lines(rng: random.Random) -> list[Scenario]:
    chosen = farmclients.sample_main_lines(rng, delays=RESULTS_DELAYS, strata=RESULT_STRATA)
    for scenario in chosen:
        asked = asked_for(scenario)
        if len(asked) > 1:
            hold(scenario["farm"], asked[0], FIRST_HELD)
    return chosen


def hold(farm: list[list[Any]], name: str, delay: float) -> None:
    """`name` answers after `delay` on this farm."""
    for row in farm:
        if row[0] == name:
            row[3] = delay


judge_main_lines = partial(farmclients.judge_main_lines, CLIENT)
judge_one_session = partial(farmclients.judge_one_session, CLIENT)


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

