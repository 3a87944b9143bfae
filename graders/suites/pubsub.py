"""Exercise 07: publish and subscribe, a Hub of queues behind an aiohttp streaming server.

The checks serve make_app(hub) on loopback in a looptime loop (graders.kit.webserve), with a Hub the
grader made and watches, and talk to it with real streaming clients in that same loop. Virtual time
only moves when every task waits, so "within 1 s" below means "once everything that could run has
run": no check races the server.

The app is served as `web.run_app` serves it by default, without handler cancellation: a handler
that should notice its client leaving has to arrange it (the reference solution asks aiohttp for
cancellation in make_app).
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from graders.kit import (
    WITHIN,
    CheckContext,
    CheckFailed,
    Listener,
    Replacement,
    Served,
    Suite,
    fail_on_blocking_calls,
    fail_on_handler_errors,
    listeners,
    make_narrow,
    no_server_on_import,
    plainly_equal,
    replaced,
    run_student,
    serving,
    stalled_client,
    within,
)

SUITE = Suite(import_guard=no_server_on_import)



def line(message: str) -> bytes:
    return f"{message}\r\n".encode()


NO_ANSWER = (0, f"no answer within {WITHIN:g} s")


def describe_answer(answer: tuple[int, str]) -> str:
    return answer[1] if answer == NO_ANSWER else f"{answer[0]} {answer[1]!r}"


async def post(served: Served, message: str) -> tuple[int, str]:
    """POST /?msg=message: (status, text), or NO_ANSWER when it takes longer than WITHIN."""
    try:
        async with asyncio.timeout(WITHIN), aiohttp.ClientSession() as session, \
                session.post(served.at("/"), params={"msg": message}) as response:
            return response.status, await response.text()
    except TimeoutError:
        return NO_ANSWER


class Watch:
    """The grader's view of a hub: which queues it holds."""

    def __init__(self, hub: Any) -> None:
        self.hub = hub

    def queues(self) -> set:
        return set(getattr(self.hub, "subscriptions", ()))

    async def new_queue(self, before: set) -> Any:
        """The queue a new subscriber added to the hub, or None if none came within 1 s."""
        await within(lambda: bool(self.queues() - before))
        added = self.queues() - before
        return next(iter(added)) if len(added) == 1 else None


# --- the student's code, with failures that say what went wrong -----------------------------


def new_hub(ctx: CheckContext) -> Any:
    hub_class = ctx.function("Hub")
    hub = ctx.call("Hub()", hub_class)
    if not isinstance(getattr(hub, "subscriptions", None), set):
        raise CheckFailed(
            "A new Hub has no `subscriptions` set.",
            expected="Hub().subscriptions is an empty set, to hold one queue per subscriber",
            actual=f"subscriptions is {getattr(hub, 'subscriptions', '(missing)')!r}",
        )
    return hub


def check_hubs_keep_their_own_sets(ctx: CheckContext, hub: Any) -> None:
    other = new_hub(ctx)
    if other.subscriptions is hub.subscriptions:
        raise CheckFailed(
            "Two Hubs share one `subscriptions` set.",
            expected="Hub().subscriptions is a new set for every hub",
            actual="Hub().subscriptions is Hub().subscriptions: a set made in the class body "
            "belongs to the class, so every hub (and every app) has the same subscribers",
            advice="make the set in __init__, so that each hub gets its own.",
        )


def new_app(ctx: CheckContext, hub: Any = None) -> web.Application:
    make_app = ctx.function("make_app")
    call = "make_app()" if hub is None else "make_app(hub)"
    app = ctx.call(call, (lambda: make_app()) if hub is None else (lambda: make_app(hub)))
    if not isinstance(app, web.Application):
        if asyncio.iscoroutine(app):
            app.close()
        raise CheckFailed(
            f"{call} did not return an aiohttp web.Application.",
            actual=f"it returned {type(app).__name__}",
            advice="make_app is a plain `def` that builds the application and returns it; it "
            "must not start a server.",
        )
    return app


def module_level_hubs(ctx: CheckContext) -> list[str]:
    hub_class = getattr(ctx.module, "Hub", None)
    if not isinstance(hub_class, type):
        return []
    return [name for name, value in vars(ctx.module).items() if isinstance(value, hub_class)]


def global_hub_note(ctx: CheckContext) -> str:
    names = module_level_hubs(ctx)
    if not names:
        return ""
    return (f"\n{ctx.main_file} has a Hub at its top level ({', '.join(names)}): code that uses "
            "it instead of the hub it was given shares one hub between every app.")


def unawaited_calls(ctx: CheckContext, names: tuple[str, ...]) -> list[str]:
    """`x.write(...)` written as a statement, without await, inside an async def."""
    found = []
    for path in ctx.module_paths:
        try:
            tree = ast.parse(Path(path).read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            continue
        source = Path(path).read_text(encoding="utf-8").splitlines()
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                        and isinstance(node.value.func, ast.Attribute)
                        and node.value.func.attr in names):
                    found.append(f"  {Path(path).name}:{node.lineno} "
                                 f"{source[node.lineno - 1].strip()}")
    return found


def fail_on_unawaited_writes(ctx: CheckContext, took: list[tuple[str, float | None]]) -> None:
    """When no message arrived at all and a write is never awaited, that write is the cause: say
    so, rather than blame the timing or a slow subscriber."""
    unawaited = unawaited_calls(ctx, ("write", "drain"))
    if unawaited and all(seconds is None for _, seconds in took):
        raise CheckFailed(
            "No published message reached the subscribers: the handler's write is never "
            "awaited, so it never runs and nothing is sent.",
            expected="every message arrives as soon as it is published",
            actual="nothing arrived",
            details="These calls are never awaited (in aiohttp 3 response.write is a "
            "coroutine):\n" + "\n".join(unawaited),
            advice="a coroutine that is called but not awaited never runs: look at the calls "
            "listed.",
        )


def show(data: bytes | bytearray) -> str:
    text = repr(bytes(data))
    return text if len(text) <= 300 else text[:300] + f"... ({len(data)} bytes)"


async def subscribed(ctx: CheckContext, watch: Watch, listen: Callable[[Served, str], Listener],
                     served: Served, name: str) -> tuple[Listener, Any]:
    """Start a listener and wait until its queue is in the hub; fail if it never comes."""
    before = watch.queues()
    listener = listen(served, name)
    queue = await watch.new_queue(before)
    if queue is None:
        fail_on_handler_errors(ctx, served)
        raise CheckFailed(
            "GET / did not add one queue to the hub that make_app(hub) was given.",
            expected="while a client listens, its queue is in hub.subscriptions (the hub passed "
            "to make_app)",
            actual=f"hub.subscriptions held {len(watch.queues())} queue(s) 1 s after the GET"
            + (f"; the client got {listener.status}" if listener.status else "")
            + (f"; the request failed: {listener.error}" if listener.error else ""),
            details=global_hub_note(ctx).strip() or None,
            advice="the handler takes the hub from its app (request.app[...]) and subscribes "
            "with `with Subscription(hub) as queue:`, and Subscription adds to the hub it was "
            "given (self.hub), never to a global one.",
        )
    return listener, queue


def run(ctx: CheckContext, call: str, scenario: Callable[[], Any],
        replacing: tuple[Replacement, ...] = ()) -> Any:
    return run_student(ctx, call, scenario, replacing=replacing).value


# --- the checks ------------------------------------------------------------------------------


@SUITE.check("Subscription adds a queue to hub.subscriptions and removes it on exit", points=1.5,
             tags=("results",))
def subscription_adds_and_removes(ctx: CheckContext) -> None:
    subscription = ctx.function("Subscription")

    async def scenario() -> None:
        hub = new_hub(ctx)
        with contextlib.ExitStack() as stack:
            first, second = (
                ctx.call("entering `with Subscription(hub) as queue:`",
                         lambda: stack.enter_context(subscription(hub)))
                for _ in range(2)
            )
            if not isinstance(first, asyncio.Queue) or first is second:
                raise CheckFailed(
                    "`with Subscription(hub) as queue:` did not give each subscriber a queue of "
                    "its own.",
                    expected="a new asyncio.Queue for every Subscription",
                    actual=f"{first!r} and {second!r}",
                )
            inside = hub.subscriptions == {first, second}
        if not inside:
            raise CheckFailed(
                "Inside `with Subscription(hub) as queue:` the queue was not in "
                "hub.subscriptions.",
                expected="hub.subscriptions holds both subscribers' queues",
                actual=f"it held {len(hub.subscriptions)} queue(s)",
                details=global_hub_note(ctx).strip() or None,
                advice="add the queue to the hub Subscription was given (self.hub), not to "
                "another one.",
            )
        if hub.subscriptions:
            raise CheckFailed(
                "After the `with Subscription(hub)` blocks ended, their queues were still in "
                "hub.subscriptions.",
                advice="remove the queue when the block ends (__exit__, or after the yield).",
            )
        propagated = False
        try:
            with subscription(hub):
                raise LookupError("raised inside the block by the grader")
        except LookupError:
            propagated = True
        if hub.subscriptions:
            raise CheckFailed(
                "When the code inside `with Subscription(hub):` raised, the queue stayed in "
                "hub.subscriptions.",
                expected="the queue is removed whether the block ends normally or raises",
                actual="it stayed: that subscriber would leak, and every message would still "
                "be put on its queue",
                advice="__exit__ runs in both cases; with @contextlib.contextmanager, put the "
                "removal in a `finally:` around the yield.",
            )
        if not propagated:
            raise CheckFailed(
                "An exception raised inside `with Subscription(hub):` was swallowed.",
                expected="the exception goes on after the queue is removed",
                advice="__exit__ should return None (or False); a contextmanager should not "
                "catch the exception around its yield.",
            )

    run(ctx, "Subscription(hub)", scenario)


@SUITE.check("Hub.publish puts a message on every subscribed queue", points=1, tags=("results",))
def hub_publishes_to_every_queue(ctx: CheckContext) -> None:
    async def scenario() -> None:
        hub = new_hub(ctx)
        check_hubs_keep_their_own_sets(ctx, hub)
        ctx.call("hub.publish('nobody listens') with no subscriber",
                 lambda: hub.publish("nobody listens"))
        queues = [asyncio.Queue() for _ in range(3)]
        hub.subscriptions.update(queues)
        ctx.call("hub.publish('one')", lambda: hub.publish("one"))
        ctx.call("hub.publish('two')", lambda: hub.publish("two"))
        got = [[queue.get_nowait() for _ in range(queue.qsize())] for queue in queues]
        if not plainly_equal(got, [["one", "two"]] * 3):
            raise CheckFailed(
                "hub.publish did not put each message on every subscribed queue, in order.",
                expected="each of the 3 queues holds ['one', 'two']",
                actual=f"they held {got}",
            )

    run(ctx, "hub.publish", scenario)


@SUITE.check("POST /?msg=... answers ok, with or without subscribers", points=1,
             tags=("results",))
def post_answers_ok(ctx: CheckContext) -> None:
    async def scenario() -> list[tuple[int, str]]:
        hub = new_hub(ctx)
        async with serving(new_app(ctx, hub)) as served:
            answers = [await post(served, "nobody listens")]
            hub.subscriptions.add(asyncio.Queue())
            answers.append(await post(served, "somebody listens"))
            fail_on_handler_errors(ctx, served)
            return answers

    answers = run(ctx, "POST /?msg=...", scenario)
    if any(answer != (200, "ok") for answer in answers):
        raise CheckFailed(
            "POST /?msg=... did not answer ok.",
            expected="200 'ok', whether anybody listens or not",
            actual="; ".join(describe_answer(answer) for answer in answers),
            advice="read the message from request.query, publish it on the app's hub and "
            "return web.Response(text='ok').",
        )


@SUITE.check("every subscriber gets every later message, in order, as text/plain lines",
             points=3, tags=("results",))
def subscribers_get_every_message(ctx: CheckContext) -> None:
    messages = ["first", "two words", "café", "a&b=c", "last"]
    joins = {"early": 0, "middle": 1, "late": 4}

    async def scenario() -> tuple[dict[str, Listener], list[tuple[int, str]]]:
        hub = new_hub(ctx)
        watch = Watch(hub)
        async with serving(new_app(ctx, hub)) as served, listeners() as listen:
            joined: dict[str, Listener] = {}
            answers = []
            for index, message in enumerate(messages):
                for name, at in joins.items():
                    if at == index:
                        joined[name], _ = await subscribed(ctx, watch, listen, served, name)
                answers.append(await post(served, message))
            await within(lambda: all(joined[n].has(messages[joins[n]:]) for n in joins))
            await asyncio.sleep(WITHIN / 2)  # anything sent twice arrives too
            fail_on_handler_errors(ctx, served)
            return joined, answers

    joined, answers = run(ctx, "three subscribers and five POSTs", scenario)
    if any(answer != (200, "ok") for answer in answers):
        raise CheckFailed("A POST /?msg=... did not answer ok.",
                          actual="; ".join(describe_answer(answer) for answer in answers))
    wrong = {name: listener for name, listener in joined.items()
             if bytes(listener.data) != b"".join(line(m) for m in messages[joins[name]:])}
    if wrong:
        nothing = all(not listener.data for listener in joined.values())
        unawaited = unawaited_calls(ctx, ("write", "write_eof", "drain", "prepare"))
        details = "\n".join(
            f"  {name} (subscribed before {messages[joins[name]]!r}): expected "
            f"{show(b''.join(line(m) for m in messages[joins[name]:]))}, got "
            f"{show(listener.data)}" for name, listener in wrong.items())
        advice = ("compare what each subscriber got with what it expected: which messages are "
                  "missing or extra, and how each line is encoded and ended. The handler sends "
                  "every message its queue gives it, for as long as the client stays.")
        if nothing and unawaited:
            details += ("\nThese calls are never awaited, so they never run (in aiohttp 3 "
                        "response.write is a coroutine):\n" + "\n".join(unawaited))
            advice = "put `await` before response.write(...)."
        raise CheckFailed(
            "Subscribers did not receive exactly the messages published after they connected."
            + (" They received nothing at all." if nothing else ""),
            details=details, advice=advice,
        )
    for name, listener in joined.items():
        mimetype = (listener.content_type or "").split(";")[0].strip()
        if listener.status != 200 or mimetype != "text/plain":
            raise CheckFailed(
                "The stream is not a 200 text/plain response.",
                expected="status 200, Content-Type: text/plain",
                actual=f"the {name} subscriber got status {listener.status}, Content-Type "
                f"{listener.content_type}",
                advice="set the StreamResponse's content_type to 'text/plain' before "
                "prepare(); without it aiohttp says application/octet-stream.",
            )


@SUITE.check("the app uses the hub it was given, and make_app() makes a new one", points=1.5,
             tags=("results",))
def app_uses_its_own_hub(ctx: CheckContext) -> None:
    async def scenario() -> dict[str, bytes]:
        given = new_hub(ctx)
        apps = {"given": new_app(ctx, given), "first": new_app(ctx), "second": new_app(ctx)}
        async with contextlib.AsyncExitStack() as stack, listeners() as listen:
            served = {name: await stack.enter_async_context(serving(app))
                      for name, app in apps.items()}
            heard = {"given": (await subscribed(ctx, Watch(given), listen, served["given"],
                                                "given"))[0]}
            heard["first"] = listen(served["first"], "first")
            heard["second"] = listen(served["second"], "second")
            # Both subscribe: their answers have begun (the stream's headers came), and the
            # handlers had time to add their queues to hubs the grader cannot see.
            await within(lambda: heard["first"].status is not None
                         and heard["second"].status is not None)
            await asyncio.sleep(WITHIN / 2)
            ctx.call("hub.publish('to the given hub')", lambda: given.publish("to the given hub"))
            await post(served["first"], "to the first app")
            await post(served["second"], "to the second app")
            await asyncio.sleep(WITHIN)
            for each in served.values():
                fail_on_handler_errors(ctx, each)
            return {name: listener.messages for name, listener in heard.items()}

    heard = run(ctx, "three apps, each with its own hub", scenario)
    if not any(heard.values()):
        raise CheckFailed("No subscriber heard anything, so this could not be checked.",
                          advice="first pass the check on subscribers getting messages.")
    expected = {"given": ["to the given hub"], "first": ["to the first app"],
                "second": ["to the second app"]}
    if heard != expected:
        raise CheckFailed(
            "Apps did not keep to their own hubs.",
            expected="a subscriber of make_app(hub) hears what hub.publish sends; the apps of "
            "two calls of make_app() hear only what is POSTed to them",
            actual="\n".join(f"the {name} app's subscriber heard {lines}"
                             for name, lines in heard.items()),
            details=global_hub_note(ctx).strip() or None,
            advice="make_app(hub=None) keeps the hub it was given on the app, or a new Hub() "
            "when none was given, and every handler uses the app's hub: no hub at module level "
            "(a default argument `hub=Hub()` is one too).",
        )


@SUITE.check("a subscriber that hangs up leaves hub.subscriptions at once", points=2,
             tags=("results",))
def leaving_subscriber_is_dropped(ctx: CheckContext) -> None:
    @dataclass
    class Outcome:
        left_at_once: bool = False
        left_on_publish: bool = False
        stayer_heard: list[str] = field(default_factory=list)
        answer: tuple[int, str] = (0, "")

    async def scenario() -> Outcome:
        outcome = Outcome()
        hub = new_hub(ctx)
        watch = Watch(hub)
        async with serving(new_app(ctx, hub)) as served, listeners() as listen:
            leaver, queue = await subscribed(ctx, watch, listen, served, "leaver")
            stayer, _ = await subscribed(ctx, watch, listen, served, "stayer")
            await post(served, "hello")
            if not await within(lambda: leaver.has(["hello"]) and stayer.has(["hello"])):
                raise CheckFailed(
                    "Two subscribers did not receive a first message, so leaving could not be "
                    "checked.", advice="first pass the check on subscribers getting messages.")
            await leaver.leave()
            outcome.left_at_once = await within(lambda: queue not in watch.queues())
            if not outcome.left_at_once:
                hub.publish("probe")
                outcome.left_on_publish = await within(lambda: queue not in watch.queues())
            outcome.answer = await post(served, "after")
            await within(lambda: "after" in stayer.messages)
            outcome.stayer_heard = stayer.messages
            fail_on_handler_errors(ctx, served)
        return outcome

    outcome = run(ctx, "a subscriber hanging up", scenario)
    if not outcome.left_at_once:
        why = ("It left only when the next message was published: the handler noticed that its "
               "client was gone only when a write failed. Until then every message piles up in "
               "a queue nobody reads." if outcome.left_on_publish else
               "It never left, even after another message was published: the queue leaks.")
        raise CheckFailed(
            "A subscriber hung up, but its queue stayed in hub.subscriptions.",
            expected=f"its queue is removed within {WITHIN:g} s, with no message published",
            actual=why,
            advice="by default aiohttp does not tell a handler that its client left: a handler "
            "waiting on queue.get() waits on. Ask aiohttp to cancel the handler when the client "
            "goes (see 'Peer disconnection' in aiohttp's docs; web.Application takes "
            "handler_args), and let the `with Subscription` block clean up.",
        )
    if outcome.answer != (200, "ok") or "after" not in outcome.stayer_heard:
        raise CheckFailed(
            "After one subscriber hung up, the others were disturbed.",
            expected="POST answers 200 'ok' and the subscriber still listening hears 'after'",
            actual=f"POST answered {describe_answer(outcome.answer)}; the other subscriber heard "
            f"{outcome.stayer_heard}",
        )


AT_ONCE = 0.3
"""Virtual seconds a published message may take to reach a listening client. Right code takes
none: the grader sees it at its next look (POLL later), or a few looks later should the loopback
socket be slow to deliver on a loaded machine. A handler that sleeps between looks at its
queue makes a message published just after a look wait for the whole sleep."""


@SUITE.check("each message reaches every subscriber at once", points=1, tags=("timing",),
             needs=("subscribers_get_every_message",))
def messages_arrive_at_once(ctx: CheckContext) -> None:
    messages = ["one", "two", "three"]

    async def scenario() -> list[tuple[str, float | None]]:
        hub = new_hub(ctx)
        watch = Watch(hub)
        loop = asyncio.get_running_loop()
        took: list[tuple[str, float | None]] = []
        async with serving(new_app(ctx, hub)) as served, listeners() as listen:
            heard = [(await subscribed(ctx, watch, listen, served, name))[0]
                     for name in ("first", "second")]
            # Each message goes out as soon as the previous one arrived: a handler that looks at
            # its queue now and then has just looked, and the next message waits a whole sleep.
            for count, message in enumerate(messages, start=1):
                start = loop.time()
                ctx.call(f"hub.publish({message!r})", lambda m=message: hub.publish(m))
                arrived = await within(lambda n=count: all(len(listener.messages) >= n
                                                           for listener in heard))
                took.append((message, loop.time() - start if arrived else None))
                if not arrived:
                    break
            fail_on_handler_errors(ctx, served)
        return took

    took = run(ctx, "two subscribers, three messages published one after another", scenario)
    late = [(message, seconds) for message, seconds in took if seconds is None or
            seconds > AT_ONCE]
    if late:
        fail_on_unawaited_writes(ctx, took)
        shown = "; ".join(f"{message!r} after {seconds:.2f} s" if seconds is not None else
                          f"{message!r} not within {WITHIN:g} s" for message, seconds in late)
        raise CheckFailed(
            "A published message did not reach the subscribers at once.",
            expected="every message arrives as soon as it is published (0 s of waiting)",
            actual=f"it reached both subscribers: {shown}",
            advice="sleeping between looks at the queue makes every message wait for the next "
            "look. Let the handler wait on the queue itself: an asyncio.Queue can wake whoever "
            "waits on it the moment a message is put on it.",
        )


@SUITE.check("a slow subscriber does not hold back the others", points=1.5, tags=("timing",))
def slow_subscriber_holds_nobody(ctx: CheckContext) -> None:
    # Far more than the stalled connection holds (see make_narrow): its handler ends up waiting
    # in a write, with most of the messages still in its queue.
    filler = [f"{n:04d} " + "x" * 4000 for n in range(100)]

    async def scenario() -> tuple[tuple[int, str], list[str], int]:
        hub = new_hub(ctx)
        watch = Watch(hub)
        loop = asyncio.get_running_loop()
        async with serving(new_app(ctx, hub)) as served, listeners() as listen, \
                stalled_client(served) as slow:
            before = watch.queues()
            await loop.sock_sendall(slow, b"GET / HTTP/1.1\r\nHost: farm\r\n\r\n")
            slow_queue = await watch.new_queue(before)
            make_narrow(served.transport_to(slow))
            for message in filler:
                hub.publish(message)
            await asyncio.sleep(WITHIN / 2)  # the stalled client's handler writes until stuck
            other, other_queue = await subscribed(ctx, watch, listen, served, "other")
            with puts_recorded([slow_queue, other_queue]) as put:
                answer = await post(served, "news")
            await within(lambda: "news" in other.messages)
            fail_on_handler_errors(ctx, served)
            return answer, other.messages, sum(message == "news" for message in put)

    answer, heard, reached = run(ctx, "a subscriber that stops reading", scenario)
    if answer == (200, "ok") and not heard:
        fail_on_unawaited_writes(ctx, [("news", None)])
    if answer == (200, "ok") and reached < 2:
        # Which of the two queues a publish that skips some reaches depends on the order of a
        # set (the queues' ids): judged here, the verdict would change from run to run.
        raise CheckFailed(
            "POST /?msg=news put the message on one of the two subscribers' queues only, so "
            "whether a slow subscriber holds back the others could not be checked.",
            expected="the message on the stalled subscriber's queue and on the other's",
            actual=f"it was put on {reached} of them",
            advice="first pass the check that Hub.publish puts a message on every subscribed "
            "queue.",
        )
    if answer != (200, "ok") or heard != ["news"]:
        raise CheckFailed(
            "A subscriber that stopped reading held back the others.",
            expected=f"while one client reads nothing of the {len(filler)} messages of 4 KB "
            "published for it, a POST is answered ok at once and another subscriber hears it",
            actual=f"the POST answered {describe_answer(answer)}; the other subscriber heard "
            f"{heard}",
            advice="each subscriber's handler waits on its own queue and its own write; "
            "publishing only puts messages on queues and never waits for a subscriber.",
        )


@contextlib.contextmanager
def puts_recorded(queues: list[Any]) -> Iterator[list[Any]]:
    """Every message put on these queues (put_nowait, which Queue.put calls too) meanwhile."""
    put: list[Any] = []

    def recording(queue: asyncio.Queue) -> Callable[[Any], None]:
        real = queue.put_nowait
        return lambda message: (put.append(message), real(message))[1]

    with contextlib.ExitStack() as stack:
        for queue in (q for q in queues if isinstance(q, asyncio.Queue)):
            stack.enter_context(replaced(queue, "put_nowait", recording(queue)))
        yield put


@SUITE.check("the response is set up with attributes aiohttp has", points=0.5,
             tags=("results",))
def only_real_response_attributes(ctx: CheckContext) -> None:
    async def scenario() -> bytes:
        hub = new_hub(ctx)
        async with serving(new_app(ctx, hub)) as served, listeners() as listen:
            listener, _ = await subscribed(ctx, Watch(hub), listen, served, "one")
            await post(served, "hi")
            await within(lambda: listener.has(["hi"]))
            fail_on_handler_errors(ctx, served)
            return listener.messages

    unknown, noting = attributes_set_on_responses(ctx)
    heard = run(ctx, "one subscriber, one POST", scenario,
                replacing=((web.StreamResponse, "__setattr__", noting),))
    if unknown:
        raise CheckFailed(
            "Your code sets attributes that aiohttp's responses do not have, so they do "
            "nothing.",
            details="\n".join(f"  {where}: response.{name} = ..." for name, where in unknown),
            advice="status_code is the name in Flask and requests, not aiohttp: an aiohttp "
            "response takes `status=` when it is made, or response.set_status(...) before "
            "prepare() (200 is the default). To keep values of your own on a response, use "
            "response['key'] = value.",
        )
    if heard != ["hi"]:
        raise CheckFailed("The subscriber did not hear the message, so this could not be checked.",
                          expected="['hi']", actual=repr(heard),
                          advice="first pass the check on subscribers getting messages.")


def attributes_set_on_responses(
    ctx: CheckContext,
) -> tuple[list[tuple[str, str]], Callable[[web.StreamResponse, str, Any], None]]:
    """A __setattr__ for web.StreamResponse that notes every public attribute the student's code
    sets that it lacks (name, where), and the list it notes them in."""
    mine = {str(path.resolve()) for path in ctx.module_paths}
    found: list[tuple[str, str]] = []

    def noting_setattr(self: web.StreamResponse, name: str, value: Any) -> None:
        # Only aiohttp's own classes: a subclass of the student's may keep attributes of its own.
        if (type(self).__module__.startswith("aiohttp.") and not name.startswith("_")
                and not hasattr(type(self), name)):
            frame = sys._getframe(1)
            if str(Path(frame.f_code.co_filename).resolve()) in mine:
                where = f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno}"
                if (name, where) not in found:
                    found.append((name, where))
        object.__setattr__(self, name, value)

    return found, noting_setattr


@SUITE.check("handlers never block the event loop", points=1, tags=("blocking",))
def never_blocks(ctx: CheckContext) -> None:
    lesson = ("Every subscriber's handler runs on one event loop: while one blocks, no message "
              "reaches anybody and no POST is answered.")
    fail_on_blocking_calls(ctx.static_blocking_calls(), step_lesson=lesson)

    async def scenario() -> None:
        hub = new_hub(ctx)
        async with serving(new_app(ctx, hub)) as served, listeners() as listen:
            listener = listen(served, "one")
            await asyncio.sleep(WITHIN / 2)
            await post(served, "hi")
            await within(lambda: listener.has(["hi"]))

    ran = run_student(ctx, "one subscriber, one POST", scenario, watch_blocking=True)
    fail_on_blocking_calls(ran.blocking, step_lesson=lesson)
