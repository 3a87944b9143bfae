"""The contract's model of exercise 07, in the parent: the subscriptions, messages and subscribers
its judged checks draw, and what right code gives for each, against which the child's
observations are judged (graders/kit/scenarios.py). Nothing here runs the student's code.
"""

from __future__ import annotations

import random
from typing import Any
from urllib.parse import quote

from graders.kit import WITHIN, CheckFailed, Scenario, as_list, sampled_by, shown

SERVED_AT = "http://127.0.0.1:8080"
"""Where `python pubsub.py` serves the hub: the calls shown are curl lines for it."""
AT_ONCE = 0.15
"""Virtual seconds a published message may take to reach a listening client. Right code takes
none: the grader notes the virtual time each chunk arrives at, so this only absorbs a loopback
socket slow to deliver on a loaded machine. A handler that sleeps between looks at its queue makes
a message published just after a look wait for the whole sleep."""

# Messages of every kind the contract allows (a POST's query carries any text but a line break):
# plain words, spaces where a word would end, letters beyond ASCII, the query's own signs, the
# empty message, repeats, and long ones.
MESSAGE_KINDS: dict[str, tuple[str, ...]] = {
    "plain": ("hello", "news", "first", "ping", "last"),
    "spaced": ("two words", "a  b", "three little words"),
    "ends": (" leading space", "trailing space ", " both "),
    "unicode": ("café", "ёлка", "猫", "naïve ☕", "🐄 moo"),
    "signs": ("a&b=c", "1+1=2", "100%", "#tag", "?x=y", "semi;colon"),
    "empty": ("",),
}
LONG = "long " + "ab" * 150


def line(message: str) -> bytes:
    return f"{message}\r\n".encode()


def messages(rng: random.Random, count: int) -> list[str]:
    """`count` messages: one of each kind first when there is room, a repeat, the rest drawn."""
    kinds = list(MESSAGE_KINDS)
    rng.shuffle(kinds)
    chosen = [rng.choice(MESSAGE_KINDS[kind]) for kind in kinds][:count]
    while len(chosen) < count:
        chosen.append(rng.choice(MESSAGE_KINDS[rng.choice(list(MESSAGE_KINDS))]))
    if count >= 3:
        chosen[-1] = chosen[1]
    rng.shuffle(chosen)
    return chosen


def listed(items: list[Any]) -> str:
    return "[" + ", ".join(repr(item) if len(repr(item)) < 40 else repr(item)[:30] + "...'"
                           for item in items) + "]"


# --- Hub.publish ---------------------------------------------------------------------------------

# Input space of hub_publishes_to_every_queue (the contract: publish(message) puts the message on
# every queue of hub.subscriptions): any number of queues (none too), any number of messages of
# any text, repeats and the empty one, kept in order; and each hub its own set. Strata: no queue;
# one queue, one message; 2..4 queues, 2..4 messages; 5..12 queues, 6..10 messages of every kind;
# 20..40 queues, 3..6 messages.
def hub_scenario(queues: int, sent: list[str]) -> Scenario:
    call = (f"hub = Hub(); queues = [asyncio.Queue() for _ in range({queues})]; "
            f"hub.subscriptions.update(queues); "
            f"for message in {listed(sent)}: hub.publish(message)")
    return {"call": call, "size": queues + len(sent), "queues": queues, "messages": sent}


def hub_scenarios(rng: random.Random) -> list[Scenario]:
    return [hub_scenario(0, messages(rng, 1)), hub_scenario(1, messages(rng, 1)),
            hub_scenario(rng.randint(2, 4), messages(rng, rng.randint(2, 4))),
            hub_scenario(rng.randint(5, 12), messages(rng, rng.randint(6, 10))),
            hub_scenario(rng.randint(20, 40), messages(rng, rng.randint(3, 6)))]


sample_hub = sampled_by(hub_scenarios)


def judge_hub(scenario: Scenario, seen: dict[str, Any]) -> None:
    if seen["shared"]:
        raise CheckFailed(
            "Two Hubs share one `subscriptions` set.",
            expected="Hub().subscriptions is a new set for every hub",
            actual="Hub().subscriptions is Hub().subscriptions: a set made in the class body "
            "belongs to the class, so every hub (and every app) has the same subscribers",
            advice="make the set in __init__, so that each hub gets its own.",
        )
    sent = scenario["messages"]
    got = [as_list(items) for items in seen["got"]]
    wrong = [index for index, items in enumerate(got) if items != sent]
    if wrong:
        raise CheckFailed(
            "hub.publish did not put each message on every subscribed queue, in order: "
            + scenario["call"],
            expected=f"each of the {len(got)} queues holds {listed(sent)}",
            actual=f"{len(wrong)} of them did not; queue {wrong[0]} held "
            f"{shown(seen['got'][wrong[0]])}",
            advice="every message goes on every queue of hub.subscriptions, however many there "
            "are, whatever the message says (an empty one too), in the order published.",
        )


# --- Subscription --------------------------------------------------------------------------------

# Input space of subscription_adds_and_removes (the contract: `with Subscription(hub) as queue:`
# adds a new queue to hub.subscriptions and removes it on exit, also when the block raises):
# any number of subscriptions of one hub at the same time, left in any order, each block ending
# normally or raising an exception of any kind: an Exception, or asyncio.CancelledError (a
# BaseException: what a handler gets when its client hangs up). Strata: one; one, raising; two, left
# in the order they came; two, left first-in first-out, one raising; 3..6 in a shuffled order,
# one cancelled; 10..20 in a shuffled order, several raising, of every kind.
ERRORS = ("LookupError", "ValueError", "CancelledError")


def subscription_scenario(order: list[int], raises: dict[int, str]) -> Scenario:
    count = len(order)
    steps = [f"hub = Hub(); subs = [Subscription(hub) for _ in range({count})]",
             "queues = [type(s).__enter__(s) for s in subs]"]
    for index in order:
        error = raises.get(index)
        thrown = (f"{error}, {error}('raised in the block'), None" if error else
                  "None, None, None")
        steps.append(f"type(subs[{index}]).__exit__(subs[{index}], {thrown})")
    return {"call": "; ".join(steps), "size": count, "order": order,
            "raises": {str(index): error for index, error in raises.items()}}


def subscription_scenarios(rng: random.Random) -> list[Scenario]:
    few = list(range(rng.randint(3, 6)))
    many = list(range(rng.randint(10, 20)))
    rng.shuffle(few)
    rng.shuffle(many)
    several = dict(zip(rng.sample(many, len(ERRORS) + 1), [*ERRORS, rng.choice(ERRORS)],
                       strict=True))
    return [subscription_scenario([0], {}), subscription_scenario([0], {0: "LookupError"}),
            subscription_scenario([1, 0], {}),
            subscription_scenario([0, 1], {rng.randrange(2): "ValueError"}),
            subscription_scenario(few, {rng.choice(few): "CancelledError"}),
            subscription_scenario(many, several)]


sample_subscriptions = sampled_by(subscription_scenarios)


def judge_subscriptions(scenario: Scenario, seen: dict[str, Any]) -> None:
    call, note = scenario["call"], seen.get("global_note") or None
    for step in seen["steps"]:
        kind, index = step[0], step[1]
        if kind == "enter":
            _, _, is_queue, own, held = step
            if not is_queue or not own:
                raise CheckFailed(
                    "`with Subscription(hub) as queue:` did not give each subscriber a queue of "
                    f"its own: {call}",
                    expected="a new asyncio.Queue for every Subscription",
                    actual=f"Subscription number {index} gave "
                    + ("something that is not an asyncio.Queue" if not is_queue else
                       "the queue of another subscriber"),
                )
            if not held:
                raise CheckFailed(
                    "Inside `with Subscription(hub) as queue:` the queue was not in "
                    f"hub.subscriptions: {call}",
                    expected="hub.subscriptions holds the queue of every block still running",
                    actual=f"after Subscription number {index} was entered, it did not",
                    details=note,
                    advice="add the queue to the hub Subscription was given (self.hub), not to "
                    "another one.",
                )
            continue
        _, _, error, gone, others_kept, propagated = step
        judge_exit(call, index, error, gone, others_kept, propagated)


def judge_exit(call: str, index: int, error: str | None, gone: bool, others_kept: bool,
               propagated: str) -> None:
    if not others_kept:
        raise CheckFailed(
            f"Leaving one `with Subscription(hub)` block took other subscribers' queues out of "
            f"hub.subscriptions too: {call}",
            expected="leaving a block removes that block's queue, and only it, in whatever "
            "order the blocks end",
            actual=f"after Subscription number {index} ended, queues of blocks still running "
            "were gone" + ("" if gone else ", and its own queue stayed"),
            advice="remove the very queue that this Subscription added, not whichever the set "
            "gives first, nor all of them.",
        )
    if not gone and error is None:
        raise CheckFailed(
            "After a `with Subscription(hub)` block ended, its queue was still in "
            f"hub.subscriptions: {call}",
            actual=f"the queue of Subscription number {index} stayed",
            advice="remove the queue when the block ends (__exit__, or after the yield).",
        )
    if not gone:
        cancelled = (" asyncio.CancelledError is what a handler gets when its client hangs "
                     "up; it is a BaseException, not an Exception." if error == "CancelledError"
                     else "")
        raise CheckFailed(
            f"When the code inside `with Subscription(hub):` raised {error}, the queue stayed "
            f"in hub.subscriptions: {call}",
            expected="the queue is removed whether the block ends normally or raises, whatever "
            "it raises",
            actual="it stayed: that subscriber would leak, and every message would still "
            "be put on its queue." + cancelled,
            advice="__exit__ runs in both cases; with @contextlib.contextmanager, put the "
            "removal in a `finally:` around the yield.",
        )
    if error is not None and propagated != "same":
        raise CheckFailed(
            f"An exception raised inside `with Subscription(hub):` was "
            f"{'swallowed' if propagated == 'swallowed' else 'replaced by ' + propagated}: "
            + call,
            expected="the exception goes on after the queue is removed",
            advice="__exit__ should return None (or False); a contextmanager should not "
            "catch the exception around its yield.",
        )


# --- POST ----------------------------------------------------------------------------------------

# Input space of post_answers_ok (the contract: POST /?msg=... publishes msg and answers ok):
# any text of a query (spaces inside and at the ends, letters beyond ASCII, the query's own
# signs, empty, long), with no subscriber or some. The app is given the grader's own hub, so that
# what the POST published is judged apart from the student's Hub. Strata: nobody listens; one
# queue, a plain message; two queues, spaces at the ends and inside, and a unicode one; three
# queues, the query's signs; one queue, the empty message and a long one.
def post_scenario(queues: int, sent: list[str]) -> Scenario:
    posts = [f"curl -s -X POST '{SERVED_AT}/?msg={quote(m, safe='')}'" for m in sent]
    return {"call": "; ".join(posts), "size": queues + len(sent), "queues": queues,
            "messages": sent}


def post_scenarios(rng: random.Random) -> list[Scenario]:
    def kind(name: str) -> str:
        return rng.choice(MESSAGE_KINDS[name])

    return [post_scenario(0, [kind("plain")]), post_scenario(1, [kind("plain")]),
            post_scenario(2, [kind("ends"), kind("spaced"), kind("unicode")]),
            post_scenario(3, [kind("signs"), kind("signs"), kind("plain")]),
            post_scenario(1, ["", LONG])]


sample_posts = sampled_by(post_scenarios)


def judge_posts(scenario: Scenario, seen: dict[str, Any]) -> None:
    answers = [tuple(answer) for answer in seen["answers"]]
    if any(answer != (200, "ok") for answer in answers):
        raise CheckFailed(
            f"POST /?msg=... did not answer ok: {scenario['call']}",
            expected="200 'ok', whether anybody listens or not",
            actual="; ".join(describe_answer(answer) for answer in answers),
            advice="read the message from request.query, publish it on the app's hub and "
            "return web.Response(text='ok').",
        )
    sent = scenario["messages"]
    for items in seen["got"]:
        if as_list(items) != sent:
            raise CheckFailed(
                f"POST /?msg=... did not publish the message as it was sent: {scenario['call']}",
                expected=f"hub.publish was given {listed(sent)}, one message a POST",
                actual=f"it was given {shown(items)[:300]}",
                advice="publish the value of msg exactly as request.query gives it: no "
                "trimming, no decoding of your own, an empty message too.",
            )


def describe_answer(answer: tuple[Any, ...]) -> str:
    if answer[0] is None:
        return f"no answer within {WITHIN:g} s"
    return f"{answer[0]} {answer[1]!r}"


# --- Streams -------------------------------------------------------------------------------------

# Input space of subscribers_get_every_message (the contract: GET / streams, as text/plain, every
# message published after the request came, one `message\r\n` line each): any number of
# subscribers, joining at any point (several at the same one), any number of messages of every
# kind, repeats, long ones. Strata: one subscriber, one message; one, three of every kind; the
# tutorial's three joining before the first, second and last of five; 4..6 joining at drawn
# points, two at the same one, of 8..15 messages; two of 20..30 messages with long ones among them.
def stream_scenario(events: list[list[str]]) -> Scenario:
    steps = [f"curl -sN {SERVED_AT}/ > {name}.txt &" if kind == "join" else
             f"curl -s -X POST '{SERVED_AT}/?msg={quote(name, safe='')}'"
             for kind, name in events]
    return {"call": "; ".join(steps), "size": len(events), "events": events}


def joined_at(points: list[int], sent: list[str]) -> list[list[str]]:
    """Events: subscriber s<k> joins before message points[k]; every message is posted."""
    events: list[list[str]] = []
    for index, message in enumerate(sent):
        events += [["join", f"s{k}"] for k, point in enumerate(points) if point == index]
        events.append(["post", message])
    return events


def stream_scenarios(rng: random.Random) -> list[Scenario]:
    many = messages(rng, rng.randint(8, 15))
    points = [rng.randrange(len(many)) for _ in range(rng.randint(3, 5))]
    points.append(points[0])  # two join at the same point
    long = messages(rng, rng.randint(20, 30))
    for index in rng.sample(range(len(long)), 3):
        long[index] = LONG[: rng.randint(100, len(LONG))]
    return [stream_scenario(joined_at([0], messages(rng, 1))),
            stream_scenario(joined_at([0], messages(rng, 3))),
            stream_scenario(joined_at([0, 1, 4], messages(rng, 5))),
            stream_scenario(joined_at(sorted(points), many)),
            stream_scenario(joined_at([0, rng.randrange(1, len(long))], long))]


sample_streams = sampled_by(stream_scenarios)


def expected_streams(events: list[list[str]]) -> dict[str, bytes]:
    heard: dict[str, bytes] = {}
    for kind, value in events:
        if kind == "join":
            heard[value] = b""
        else:
            heard = {name: data + line(value) for name, data in heard.items()}
    return heard


def show(data: bytes) -> str:
    text = repr(data)
    return text if len(text) <= 300 else text[:300] + f"... ({len(data)} bytes)"


def judge_streams(scenario: Scenario, seen: dict[str, Any]) -> None:
    call = scenario["call"]
    answers = [tuple(answer) for answer in seen["answers"]]
    if any(answer != (200, "ok") for answer in answers):
        raise CheckFailed(f"A POST /?msg=... did not answer ok: {call}",
                          actual="; ".join(describe_answer(answer) for answer in answers))
    expected = expected_streams(scenario["events"])
    heard = {name: (str(got["data"]).encode("latin-1"), got) for name, got in
             seen["listeners"].items()}
    wrong = {name: data for name, (data, _) in heard.items() if data != expected[name]}
    if wrong:
        raise wrong_streams(scenario, seen, expected, wrong)
    for name, (_, got) in heard.items():
        mimetype = str(got["type"] or "").split(";")[0].strip()
        if got["status"] != 200 or mimetype != "text/plain":
            raise CheckFailed(
                f"The stream is not a 200 text/plain response: {call}",
                expected="status 200, Content-Type: text/plain",
                actual=f"the subscriber {name} got status {got['status']}, Content-Type "
                f"{got['type']}",
                advice="set the StreamResponse's content_type to 'text/plain' before "
                "prepare(); without it aiohttp says application/octet-stream.",
            )


def wrong_streams(scenario: Scenario, seen: dict[str, Any], expected: dict[str, bytes],
                  wrong: dict[str, bytes]) -> CheckFailed:
    nothing = not any(got["data"] for got in seen["listeners"].values())
    details = "\n".join(f"  {name}: expected {show(expected[name])}, got {show(data)}"
                        for name, data in list(wrong.items())[:4])
    if all(data.replace(b"\r\n", b"\n") == expected[name].replace(b"\r\n", b"\n")
           for name, data in wrong.items()):
        details += "\nThe messages are right, but not how each line ends: with \\r\\n."
    advice = ("compare what each subscriber got with what it expected: which messages are "
              "missing or extra, and how each line is encoded and ended. The handler sends "
              "every message its queue gives it, for as long as the client stays.")
    unawaited = seen.get("unawaited", [])
    if nothing and unawaited:
        details += ("\nThese calls are never awaited, so they never run (in aiohttp 3 "
                    "response.write is a coroutine):\n" + "\n".join(unawaited))
        advice = "put `await` before response.write(...)."
    return CheckFailed(
        "Subscribers did not receive exactly the messages published after they connected."
        + (" They received nothing at all." if nothing else "") + f" The calls: {scenario['call']}",
        details=details, advice=advice,
    )


# --- Timing --------------------------------------------------------------------------------------

# Input space of messages_arrive_at_once (the contract: each message is streamed as it is
# published): any number of subscribers, messages published one at a time or several at once,
# right after the previous one arrived (when a handler that looks at its queue now and then has
# just looked) or at odd moments later, by hub.publish or by POST. Every message reaches every
# subscriber at once. Strata: one subscriber, one message; two, three messages each right after
# the previous; 3..6, 4..8 messages at odd gaps (0.13..1.7 s); 2..4, a burst of 5..10 at once,
# then one right after; 10..20 subscribers, three messages right after each other by POST.
def timing_scenario(subscribers: int, bursts: list[list[Any]], via: str = "hub") -> Scenario:
    steps = [f"curl -sN {SERVED_AT}/ > s{k}.txt &" for k in range(subscribers)]
    for gap, sent in bursts:
        if gap != "after":
            steps.append(f"sleep {gap:g}")
        steps += [f"curl -s -X POST '{SERVED_AT}/?msg={quote(m, safe='')}'" for m in sent]
    after = any(gap == "after" for gap, _ in bursts)
    return {"call": "; ".join(steps) + (" (by hub.publish in the check)" if via == "hub" else "")
            + (", each burst as soon as the messages before it arrived" if after else ""),
            "size": subscribers + sum(len(sent) for _, sent in bursts),
            "subscribers": subscribers, "bursts": bursts, "via": via}


def odd_gap(rng: random.Random) -> float:
    while True:
        gap = round(rng.uniform(0.13, 1.7), 2)
        if round(gap * 4, 2) % 1:
            return gap


def timing_scenarios(rng: random.Random) -> list[Scenario]:
    def one(gap: Any) -> list[Any]:
        return [gap, messages(rng, 1)]

    return [
        timing_scenario(1, [one("after")]),
        timing_scenario(2, [one("after"), one("after"), one("after")]),
        timing_scenario(rng.randint(3, 6), [one(odd_gap(rng)) for _ in range(rng.randint(4, 8))]),
        timing_scenario(rng.randint(2, 4), [["after", messages(rng, rng.randint(5, 10))],
                                            one("after")]),
        timing_scenario(rng.randint(10, 20), [one("after"), one("after"), one("after")], "post"),
    ]


sample_timing = sampled_by(timing_scenarios)


def unawaited_writes(calls: list[str]) -> CheckFailed:
    """When no message arrived at all and a write is never awaited, that write is the cause:
    the failure says so, rather than blame the timing or a slow subscriber."""
    return CheckFailed(
        "No published message reached the subscribers: the handler's write is never "
        "awaited, so it never runs and nothing is sent.",
        expected="every message arrives as soon as it is published",
        actual="nothing arrived",
        details="These calls are never awaited (in aiohttp 3 response.write is a "
        "coroutine):\n" + "\n".join(calls),
        advice="a coroutine that is called but not awaited never runs: look at the calls "
        "listed.",
    )


def judge_timing(scenario: Scenario, seen: dict[str, Any]) -> None:
    published = seen["published"]  # the virtual time of each message, in order
    arrivals = seen["arrivals"]  # by subscriber: the virtual time each line arrived
    late = []
    for index, (message, when) in enumerate(published):
        times = [lines[index] if index < len(lines) else None for lines in arrivals]
        worst = None if None in times else max(times) - when
        if worst is None or worst > AT_ONCE:
            late.append((message, worst))
    if not late:
        return
    if not any(arrivals) and seen.get("unawaited"):
        raise unawaited_writes(seen["unawaited"])
    said = "; ".join(f"{message!r} after {seconds:.2f} s" if seconds is not None else
                     f"{message!r} not within {WITHIN:g} s" for message, seconds in late[:4])
    raise CheckFailed(
        f"A published message did not reach the subscribers at once: {scenario['call']}",
        expected="every message arrives as soon as it is published (0 s of waiting)",
        actual=f"it reached every subscriber: {said}",
        advice="sleeping between looks at the queue makes every message wait for the next "
        "look. Let the handler wait on the queue itself: an asyncio.Queue can wake whoever "
        "waits on it the moment a message is put on it.",
    )


# --- Leaving -------------------------------------------------------------------------------------

# Input space of leaving_subscriber_is_dropped (the contract: a Subscription removes its queue on
# exit; a stream lasts until the client goes): any number of subscribers, any of them hanging up
# (the first, the last, one in the middle, several at once, all but one), before any message or
# after some; the others go on hearing every later message. Strata: two, the first leaving after
# a message; two, the last leaving before any; 3..5, one in the middle after two; 4..8, several
# at once after one to three; three, all but one; 10..14, all but one, one after another in a
# drawn order. The last is there for code that removes whichever queue the set gives
# (`subscriptions.pop()`): with a few leaving, the set's order (by the queues' addresses) can
# give each its own queue (a right verdict by luck, about once in a hundred gradings); with nine
# or more in a drawn order, never in practice.
def leaving_scenario(subscribers: int, before: list[str], leave: list[int],
                     after: list[str]) -> Scenario:
    steps = [f"curl -sN {SERVED_AT}/ > s{k}.txt & pid{k}=$!" for k in range(subscribers)]
    steps += [f"curl -s -X POST '{SERVED_AT}/?msg={quote(m, safe='')}'" for m in before]
    steps += [f"kill $pid{k}" for k in leave]
    steps += [f"curl -s -X POST '{SERVED_AT}/?msg={quote(m, safe='')}'" for m in after]
    return {"call": "; ".join(steps), "size": subscribers + len(before) + len(after),
            "subscribers": subscribers, "before": before, "leave": leave, "after": after}


def leaving_scenarios(rng: random.Random) -> list[Scenario]:
    middle = rng.randint(3, 5)
    several = rng.randint(4, 8)
    return [
        leaving_scenario(2, messages(rng, 1), [0], messages(rng, 1)),
        leaving_scenario(2, [], [1], messages(rng, 2)),
        leaving_scenario(middle, messages(rng, 2), [rng.randrange(1, middle - 1)],
                         messages(rng, 2)),
        leaving_scenario(several, messages(rng, rng.randint(1, 3)),
                         sorted(rng.sample(range(several), rng.randint(2, several - 1))),
                         messages(rng, rng.randint(1, 3))),
        leaving_scenario(3, messages(rng, 1), [0, 2], messages(rng, 1)),
        all_but_one_in_turn(rng),
    ]


def all_but_one_in_turn(rng: random.Random) -> Scenario:
    crowd = rng.randint(10, 14)
    return leaving_scenario(crowd, messages(rng, 1), rng.sample(range(crowd), crowd - 1),
                            messages(rng, 1))


sample_leaving = sampled_by(leaving_scenarios)


def judge_leaving(scenario: Scenario, seen: dict[str, Any]) -> None:
    call = scenario["call"]
    if not seen["ready"]:
        raise CheckFailed(
            f"The subscribers did not receive the first messages, so leaving could not be "
            f"checked: {call}", advice="first pass the check on subscribers getting messages.")
    if not all(seen["at_once"]):
        why = ("It left only when the next message was published: the handler noticed that its "
               "client was gone only when a write failed. Until then every message piles up in "
               "a queue nobody reads." if all(seen["on_publish"]) else
               "It never left, even after another message was published: the queue leaks.")
        raise CheckFailed(
            f"A subscriber hung up, but its queue stayed in hub.subscriptions: {call}",
            expected=f"its queue is removed within {WITHIN:g} s, with no message published",
            actual=why,
            advice="by default aiohttp does not tell a handler that its client left: a handler "
            "waiting on queue.get() waits on. Ask aiohttp to cancel the handler when the client "
            "goes (see 'Peer disconnection' in aiohttp's docs; web.Application takes "
            "handler_args), and let the `with Subscription` block clean up.",
        )
    answers = [tuple(answer) for answer in seen["answers"]]
    wanted = [*scenario["before"], *(["probe"] if seen["probed"] else []), *scenario["after"]]
    wrong = [heard for heard in seen["stayers"] if heard != wanted]
    if any(answer != (200, "ok") for answer in answers) or wrong:
        raise CheckFailed(
            f"After subscribers hung up, the others were disturbed: {call}",
            expected=f"every POST answers 200 'ok' and each subscriber still listening hears "
            f"{listed(wanted)}",
            actual="POST answered " + "; ".join(describe_answer(a) for a in answers)
            + (f"; a subscriber still listening heard {listed(wrong[0])}" if wrong else ""),
        )


# --- Blocking -----------------------------------------------------------------------------------
# Input space of the blocking check: any number of subscribers and POSTs. Whether a handler
# blocks is a matter of what it calls, so one scenario has one to three subscribers and one or
# two drawn messages posted; the child scans the `async def` bodies and watches the run, and the
# parent judges what it saw (graders.kit.context.blocking_judge).

BLOCKING_LESSON = ("Every subscriber's handler runs on one event loop: while one blocks, no "
                   "message reaches anybody and no POST is answered.")


def blocking_scenarios(rng: random.Random) -> list[Scenario]:
    subscribers, sent = rng.randint(1, 3), messages(rng, rng.randint(1, 2))
    posts = ", ".join(f"POST /?msg={quote(message)}" for message in sent)
    return [{"call": f"{subscribers} subscriber(s), then {posts}", "subscribers": subscribers,
             "messages": sent}]


sample_blocking = sampled_by(blocking_scenarios)


# --- A slow subscriber --------------------------------------------------------------------------
# Input space of slow_subscriber_holds_nobody (the contract: publishing only puts messages on
# queues; each subscriber's handler waits on its own queue and its own write): any number of
# subscribers that stop reading, and of others, and any messages published meanwhile. Drawn: one
# stalled client beside one other (the tutorial's picture), then one or two stalled clients among
# two or three others, with one or two messages published while the stalled ones' handlers are
# stuck in a write behind FILLER messages of 4 KB.

FILLER = 100
"""Messages of 4 KB published for the stalled clients first: far more than a narrowed connection
holds, so that their handlers are stuck in a write, most of the messages still queued."""


def slow_scenario(slow: int, others: int, news: list[str]) -> Scenario:
    posts = ", ".join(f"POST /?msg={quote(message)}" for message in news)
    return {"call": f"{slow} subscriber(s) that stop reading, {others} other(s), then {posts}",
            "slow": slow, "others": others, "news": news, "filler": FILLER,
            "size": slow + others}


def slow_scenarios(rng: random.Random) -> list[Scenario]:
    return [slow_scenario(1, 1, messages(rng, 1)),
            slow_scenario(rng.randint(1, 2), rng.randint(2, 3), messages(rng, rng.randint(1, 2)))]


sample_slow = sampled_by(slow_scenarios)


def judge_slow(scenario: Scenario, seen: dict[str, Any]) -> None:
    call, news = scenario["call"], scenario["news"]
    answers = [tuple(answer) for answer in seen["answers"]]
    heard = [list(messages) for messages in seen["heard"]]
    queues = scenario["slow"] + scenario["others"]
    all_ok = all(answer == (200, "ok") for answer in answers)
    if all_ok and not any(heard) and seen.get("unawaited"):
        raise unawaited_writes(seen["unawaited"])
    if all_ok and any(reached < queues for reached in seen["reached"]):
        # Which queues a publish that skips some reaches depends on the order of a set (the
        # queues' ids): judged here, the verdict would change from run to run.
        raise CheckFailed(
            f"{call}: a POST put its message on only some of the subscribers' queues, so "
            "whether a slow subscriber holds back the others could not be checked.",
            expected=f"each message on all {queues} queues, the stalled subscribers' too",
            actual="put on " + ", ".join(f"{reached} of them" for reached in seen["reached"]),
            advice="first pass the check that Hub.publish puts a message on every subscribed "
            "queue.",
        )
    if not all_ok or any(messages != news for messages in heard):
        said = "; ".join(str(answer[1]) if answer[0] == 0 else describe_answer(answer)
                         for answer in answers)  # 0: no answer came (the suite's NO_ANSWER)
        raise CheckFailed(
            "A subscriber that stopped reading held back the others.",
            expected=f"{call}: while the stalled clients read nothing of the {scenario['filler']} "
            f"messages of 4 KB published for them, every POST is answered ok at once and every "
            f"other subscriber hears {news}",
            actual=f"the POSTs answered {said}; the others heard {heard}",
            advice="each subscriber's handler waits on its own queue and its own write; "
            "publishing only puts messages on queues and never waits for a subscriber.",
        )


# --- Apps and their hubs ------------------------------------------------------------------------
# Input space of app_uses_its_own_hub (the contract: make_app(hub) serves that hub; make_app()
# makes a new Hub of its own): any number of apps side by side, made with a hub or without, any
# number of subscribers each, any messages. Drawn: the app of a given hub beside two fresh apps,
# one subscriber each; then beside two or three fresh apps, two subscribers each. Each app gets a
# message of its own (marked with its app's name, so that a message heard in the wrong app
# shows), published through the given hub for its app and POSTed to each fresh app.


def own_hubs_scenario(fresh: int, subscribers: int, drawn: list[str]) -> Scenario:
    names = ["given", *(f"fresh {n}" for n in range(fresh))]
    sent = {name: f"to {name}: {message}" for name, message in zip(names, drawn, strict=True)}
    return {"call": f"make_app(hub) beside {fresh} make_app(), {subscribers} subscriber(s) each; "
            f"hub.publish({sent['given']!r}), then each fresh app POSTed its own message",
            "messages": sent, "subscribers": subscribers, "size": fresh * subscribers}


def own_hubs_scenarios(rng: random.Random) -> list[Scenario]:
    fresh = rng.randint(2, 3)
    return [own_hubs_scenario(2, 1, messages(rng, 3)),
            own_hubs_scenario(fresh, 2, messages(rng, fresh + 1))]


sample_own_hubs = sampled_by(own_hubs_scenarios)


def judge_own_hubs(scenario: Scenario, seen: dict[str, Any]) -> None:
    heard = {str(name): [list(lines) for lines in listeners]
             for name, listeners in seen["heard"].items()}
    if not any(lines for listeners in heard.values() for lines in listeners):
        raise CheckFailed("No subscriber heard anything, so this could not be checked.",
                          advice="first pass the check on subscribers getting messages.")
    expected = {name: [[message]] * scenario["subscribers"]
                for name, message in scenario["messages"].items()}
    if heard != expected:
        raise CheckFailed(
            f"Apps did not keep to their own hubs: {scenario['call']}.",
            expected="a subscriber of make_app(hub) hears what hub.publish sends; the apps of "
            "each call of make_app() hear only what is POSTed to them",
            actual="\n".join(f"the {name} app's subscribers heard {listeners}"
                             for name, listeners in heard.items()),
            details=seen.get("global_hub") or None,
            advice="make_app(hub=None) keeps the hub it was given on the app, or a new Hub() "
            "when none was given, and every handler uses the app's hub: no hub at module level "
            "(a default argument `hub=Hub()` is one too).",
        )


# --- Response attributes ------------------------------------------------------------------------
# Input space of only_real_response_attributes (the contract names aiohttp's web.StreamResponse):
# any stream served, whatever is published. Whether code sets an attribute aiohttp's response
# does not have is a matter of the code, so one scenario: one subscriber, one or two drawn
# messages POSTed.


def attributes_scenarios(rng: random.Random) -> list[Scenario]:
    sent = messages(rng, rng.randint(1, 2))
    posts = ", ".join(f"POST /?msg={quote(message)}" for message in sent)
    return [{"call": f"one subscriber, then {posts}", "messages": sent}]


sample_attributes = sampled_by(attributes_scenarios)


def judge_attributes(scenario: Scenario, seen: dict[str, Any]) -> None:
    if seen["unknown"]:
        raise CheckFailed(
            "Your code sets attributes that aiohttp's responses do not have, so they do "
            "nothing.",
            details="\n".join(f"  {where}: response.{name} = ..." for name, where in
                              seen["unknown"]),
            advice="status_code is the name in Flask and requests, not aiohttp: an aiohttp "
            "response takes `status=` when it is made, or response.set_status(...) before "
            "prepare() (200 is the default). To keep values of your own on a response, use "
            "response['key'] = value.",
        )
    if list(seen["heard"]) != scenario["messages"]:
        raise CheckFailed(
            "The subscriber did not hear the messages, so this could not be checked.",
            expected=repr(scenario["messages"]), actual=repr(seen["heard"]),
            advice="first pass the check on subscribers getting messages.")
