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
from functools import lru_cache
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
    Scenario,
    Served,
    Suite,
    blocking_judge,
    fail_on_handler_errors,
    listeners,
    make_narrow,
    no_server_on_import,
    observed,
    observed_blocking,
    replaced,
    run_student,
    serving,
    stalled_client,
    within,
)
from graders.suites.models.pubsub import (
    BLOCKING_LESSON,
    judge_attributes,
    judge_hub,
    judge_leaving,
    judge_own_hubs,
    judge_posts,
    judge_slow,
    judge_streams,
    judge_subscriptions,
    judge_timing,
    sample_attributes,
    sample_blocking,
    sample_hub,
    sample_leaving,
    sample_own_hubs,
    sample_posts,
    sample_slow,
    sample_streams,
    sample_subscriptions,
    sample_timing,
    unawaited_writes,
)

SUITE = Suite(import_guard=no_server_on_import)


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
    found: list[str] = []
    for path in ctx.module_paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, ValueError):
            continue
        found += _unawaited_in(text, Path(path).name, names)
    return found


@lru_cache(maxsize=16)
def _unawaited_in(text: str, file_name: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """`unawaited_calls` of one file's text: parsed once, not once a scenario (a few ms each)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return ()
    source = text.splitlines()
    return tuple(
        f"  {file_name}:{node.lineno} {source[node.lineno - 1].strip()}"
        for function in ast.walk(tree) if isinstance(function, ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute) and node.value.func.attr in names
    )


def fail_on_unawaited_writes(ctx: CheckContext, took: list[tuple[str, float | None]]) -> None:
    """When no message arrived at all and a write is never awaited, that write is the cause: say
    so, rather than blame the timing or a slow subscriber."""
    unawaited = unawaited_calls(ctx, ("write", "drain"))
    if unawaited and all(seconds is None for _, seconds in took):
        raise unawaited_writes(unawaited)


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


# --- Judged checks: drawn in the parent (graders/suites/models/pubsub.py), observed here, judged
# there.


def exited(manager: Any, error: str | None) -> str:
    """Leave a Subscription as `with` leaves it: 'same' when the block's exception went on,
    'swallowed' when __exit__ said to drop it, 'none' without one, else the new exception's
    type."""
    exception: BaseException | None = None
    if error is not None:
        exception = {"LookupError": LookupError, "ValueError": ValueError,
                     "CancelledError": asyncio.CancelledError}[error]("raised in the block")
    try:
        dropped = type(manager).__exit__(manager, type(exception) if exception else None,
                                         exception, None)
    except BaseException as raised:  # the block's own exception going on is right
        return "same" if raised is exception else type(raised).__name__
    return "none" if exception is None else "swallowed" if dropped else "same"


@SUITE.judged("Subscription adds a queue to the hub and removes it on exit, in any order",
              points=1.5, tags=("results",),
              sample=sample_subscriptions, judge=judge_subscriptions)
def subscription_adds_and_removes(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    subscription = ctx.function("Subscription")

    async def steps() -> list[list[Any]]:
        hub = new_hub(ctx)
        managers, queues, seen = [], [], []
        for index in range(len(scenario["order"])):
            manager = ctx.call("Subscription(hub)", lambda: subscription(hub))
            queue = ctx.call("entering `with Subscription(hub) as queue:`",
                             lambda m=manager: type(m).__enter__(m))
            own = all(queue is not other for other in queues)
            managers.append(manager)
            queues.append(queue)
            seen.append(["enter", index, isinstance(queue, asyncio.Queue), own,
                         all(q in hub.subscriptions for q in queues)])
        live = set(range(len(queues)))
        for index in scenario["order"]:
            error = scenario["raises"].get(str(index))
            went_on = ctx.call("leaving `with Subscription(hub)`",
                               lambda i=index, e=error: exited(managers[i], e))
            live.discard(index)
            held = list(hub.subscriptions)
            seen.append(["exit", index, error, all(queues[index] is not q for q in held),
                         all(any(queues[i] is q for q in held) for i in live), went_on])
        return seen

    return {"steps": run(ctx, scenario["call"], steps),
            "global_note": global_hub_note(ctx).strip()}


@SUITE.judged("Hub.publish puts every message on every subscribed queue, in order", points=1,
              tags=("results",), sample=sample_hub, judge=judge_hub)
def hub_publishes_to_every_queue(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    async def publishing() -> dict[str, Any]:
        hub = new_hub(ctx)
        shared = new_hub(ctx).subscriptions is hub.subscriptions
        queues: list[asyncio.Queue] = [asyncio.Queue() for _ in range(scenario["queues"])]
        hub.subscriptions.update(queues)
        for message in scenario["messages"]:
            ctx.call(f"hub.publish({message!r})", lambda m=message: hub.publish(m))
        return {"shared": shared, "got": [observed(taken(queue)) for queue in queues]}

    return run(ctx, scenario["call"], publishing)


def taken(queue: asyncio.Queue) -> list[Any]:
    return [queue.get_nowait() for _ in range(queue.qsize())]


async def post_in(session: aiohttp.ClientSession, served: Served, message: str) -> list[Any]:
    """POST /?msg=message with the scenario's session: [status, text], or [None, ...] when it
    takes longer than WITHIN."""
    try:
        async with asyncio.timeout(WITHIN), \
                session.post(served.at("/"), params={"msg": message}) as response:
            return [response.status, (await response.text())[:200]]
    except TimeoutError:
        return [None, "no answer"]


class GraderHub:
    """The grader's hub for make_app(hub): it has subscribers and notes what it is asked to
    publish, so that the POST handler is judged apart from the student's Hub. (It hands nothing
    to its queues: nobody reads them here, and its code is no model answer for Hub.)"""

    def __init__(self, queues: int) -> None:
        self.subscriptions: set[asyncio.Queue] = {asyncio.Queue() for _ in range(queues)}
        self.published: list[Any] = []

    def publish(self, message: Any) -> None:
        self.published.append(message)


@SUITE.judged("POST /?msg=... publishes msg as sent and answers ok",
              points=1, tags=("results",), sample=sample_posts, judge=judge_posts)
def post_answers_ok(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    async def posting() -> dict[str, Any]:
        hub = GraderHub(scenario["queues"])
        async with serving(new_app(ctx, hub)) as served, aiohttp.ClientSession() as session:
            answers = [await post_in(session, served, m) for m in scenario["messages"]]
            fail_on_handler_errors(ctx, served)
        return {"answers": answers, "got": [observed(hub.published)]}

    return run(ctx, scenario["call"], posting)


@SUITE.judged("every subscriber gets every later message, in order, as text/plain lines",
              points=3, tags=("results",), sample=sample_streams, judge=judge_streams)
def subscribers_get_every_message(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    async def streaming() -> dict[str, Any]:
        hub = new_hub(ctx)
        watch = Watch(hub)
        async with serving(new_app(ctx, hub)) as served, listeners() as listen, \
                aiohttp.ClientSession() as session:
            joined: dict[str, Listener] = {}
            answers, posted = [], 0
            for kind, value in scenario["events"]:
                if kind == "join":
                    joined[value], _ = await subscribed(ctx, watch, listen, served, value)
                else:
                    answers.append(await post_in(session, served, value))
                    posted += 1
            await within(lambda: all(len(listener.line_times()) >= posted
                                     for listener in joined.values()))
            await asyncio.sleep(WITHIN / 2)  # anything sent twice arrives too
            fail_on_handler_errors(ctx, served)
            return {"answers": answers, "listeners": {
                name: {"data": bytes(listener.data).decode("latin-1"),
                       "status": listener.status, "type": listener.content_type}
                for name, listener in joined.items()}}

    seen = run(ctx, scenario["call"], streaming)
    seen["unawaited"] = unawaited_calls(ctx, ("write", "write_eof", "drain", "prepare"))
    return seen


@SUITE.judged("the app uses the hub it was given, and make_app() makes a new one", points=1.5,
              tags=("results",), sample=sample_own_hubs, judge=judge_own_hubs)
def app_uses_its_own_hub(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    sent = scenario["messages"]  # by app: "given", then "fresh 0", "fresh 1", ...

    async def apps_side_by_side() -> dict[str, list[list[str]]]:
        given = new_hub(ctx)
        apps = {"given": new_app(ctx, given)}
        apps.update({name: new_app(ctx) for name in sent if name != "given"})
        async with contextlib.AsyncExitStack() as stack, listeners() as listen:
            served = {name: await stack.enter_async_context(serving(app))
                      for name, app in apps.items()}
            heard = {"given": [(await subscribed(ctx, Watch(given), listen, served["given"],
                                                 "given 0"))[0]]}
            heard["given"] += [listen(served["given"], f"given {n}")
                               for n in range(1, scenario["subscribers"])]
            for name in apps:
                if name != "given":
                    heard[name] = [listen(served[name], f"{name} {n}")
                                   for n in range(scenario["subscribers"])]
            # Every one subscribes: their answers have begun (the stream's headers came), and the
            # handlers had time to add their queues to hubs the grader cannot see.
            await within(lambda: all(listener.status is not None
                                     for listeners_ in heard.values() for listener in listeners_))
            await asyncio.sleep(WITHIN / 2)
            message = sent["given"]
            ctx.call(f"hub.publish({message!r})", lambda: given.publish(message))
            for name in apps:
                if name != "given":
                    await post(served[name], sent[name])
            await asyncio.sleep(WITHIN)
            for each in served.values():
                fail_on_handler_errors(ctx, each)
            return {name: [list(listener.messages) for listener in listeners_]
                    for name, listeners_ in heard.items()}

    return {"heard": run(ctx, scenario["call"], apps_side_by_side),
            "global_hub": global_hub_note(ctx).strip()}


@SUITE.judged("a subscriber that hangs up leaves hub.subscriptions at once", points=2,
              tags=("results",), sample=sample_leaving, judge=judge_leaving)
def leaving_subscriber_is_dropped(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    async def leaving() -> dict[str, Any]:
        hub = new_hub(ctx)
        watch = Watch(hub)
        async with serving(new_app(ctx, hub)) as served, listeners() as listen, \
                aiohttp.ClientSession() as session:
            joined = [await subscribed(ctx, watch, listen, served, f"s{k}")
                      for k in range(scenario["subscribers"])]
            for message in scenario["before"]:
                await post_in(session, served, message)
            count = len(scenario["before"])
            if not await within(lambda: all(len(listener.messages) >= count
                                            for listener, _ in joined)):
                return {"ready": False}
            leavers = [joined[index] for index in scenario["leave"]]
            for listener, _ in leavers:
                await listener.leave()
            queues = [queue for _, queue in leavers]
            await within(lambda: all(queue not in watch.queues() for queue in queues))
            at_once = [queue not in watch.queues() for queue in queues]
            probed = not all(at_once)
            if probed:
                hub.publish("probe")
                await within(lambda: all(queue not in watch.queues() for queue in queues))
            on_publish = [queue not in watch.queues() for queue in queues]
            answers = [await post_in(session, served, m) for m in scenario["after"]]
            stayers = [listener for index, (listener, _) in enumerate(joined)
                       if index not in scenario["leave"]]
            wanted = count + probed + len(scenario["after"])
            await within(lambda: all(len(s.messages) >= wanted for s in stayers))
            fail_on_handler_errors(ctx, served)
            return {"ready": True, "at_once": at_once, "on_publish": on_publish,
                    "probed": probed, "answers": answers,
                    "stayers": [listener.messages for listener in stayers]}

    return run(ctx, scenario["call"], leaving)


@SUITE.judged("each message reaches every subscriber at once", points=1, tags=("timing",),
              sample=sample_timing, judge=judge_timing, needs=("subscribers_get_every_message",))
def messages_arrive_at_once(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    async def timed() -> dict[str, Any]:
        hub = new_hub(ctx)
        watch = Watch(hub)
        loop = asyncio.get_running_loop()
        published: list[list[Any]] = []
        async with serving(new_app(ctx, hub)) as served, listeners() as listen, \
                aiohttp.ClientSession() as session:
            heard = [(await subscribed(ctx, watch, listen, served, f"s{k}"))[0]
                     for k in range(scenario["subscribers"])]
            for gap, sent in scenario["bursts"]:
                if gap == "after":  # as soon as every earlier message arrived
                    count = len(published)
                    arrived = await within(lambda n=count: all(
                        len(listener.line_times()) >= n for listener in heard))
                    if not arrived:
                        break
                else:
                    await asyncio.sleep(gap)
                for message in sent:
                    published.append([message, loop.time()])
                    if scenario["via"] == "post":
                        await post_in(session, served, message)
                    else:
                        ctx.call(f"hub.publish({message!r})", lambda m=message: hub.publish(m))
            await within(lambda: all(len(listener.line_times()) >= len(published)
                                     for listener in heard))
            fail_on_handler_errors(ctx, served)
            return {"published": published,
                    "arrivals": [listener.line_times() for listener in heard]}

    seen = run(ctx, scenario["call"], timed)
    seen["unawaited"] = unawaited_calls(ctx, ("write", "drain"))
    return seen


@SUITE.judged("a slow subscriber does not hold back the others", points=1.5, tags=("timing",),
              sample=sample_slow, judge=judge_slow)
def slow_subscriber_holds_nobody(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    # Far more than a stalled connection holds (see make_narrow): its handler ends up waiting in
    # a write, with most of the messages still in its queue.
    filler = [f"{n:04d} " + "x" * 4000 for n in range(scenario["filler"])]
    news = scenario["news"]

    async def stalled(served: Served, watch: Watch, stack: contextlib.AsyncExitStack) -> Any:
        slow = await stack.enter_async_context(stalled_client(served))
        before = watch.queues()
        await asyncio.get_running_loop().sock_sendall(
            slow, b"GET / HTTP/1.1\r\nHost: farm\r\n\r\n")
        queue = await watch.new_queue(before)
        make_narrow(served.transport_to(slow))
        return queue

    async def slow_and_others() -> dict[str, Any]:
        hub = new_hub(ctx)
        watch = Watch(hub)
        async with serving(new_app(ctx, hub)) as served, listeners() as listen, \
                contextlib.AsyncExitStack() as stack:
            queues = [await stalled(served, watch, stack) for _ in range(scenario["slow"])]
            for message in filler:
                hub.publish(message)
            await asyncio.sleep(WITHIN / 2)  # the stalled clients' handlers write until stuck
            others = []
            for n in range(scenario["others"]):
                other, queue = await subscribed(ctx, watch, listen, served, f"other {n}")
                others.append(other)
                queues.append(queue)
            with puts_recorded(queues) as put:
                answers = [list(await post(served, message)) for message in news]
            await within(lambda: all(other.has(news) for other in others))
            fail_on_handler_errors(ctx, served)
            return {"answers": answers, "heard": [list(other.messages) for other in others],
                    "reached": [sum(sent == message for sent in put) for message in news]}

    seen = run(ctx, scenario["call"], slow_and_others)
    seen["unawaited"] = unawaited_calls(ctx, ("write", "drain"))
    return seen


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


@SUITE.judged("the response is set up with attributes aiohttp has", points=0.5,
              tags=("results",), sample=sample_attributes, judge=judge_attributes)
def only_real_response_attributes(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    sent = scenario["messages"]

    async def subscribe_and_post() -> list[str]:
        hub = new_hub(ctx)
        async with serving(new_app(ctx, hub)) as served, listeners() as listen:
            listener, _ = await subscribed(ctx, Watch(hub), listen, served, "one")
            for message in sent:
                await post(served, message)
            await within(lambda: listener.has(sent))
            fail_on_handler_errors(ctx, served)
            return list(listener.messages)

    unknown, noting = attributes_set_on_responses(ctx)
    heard = run(ctx, scenario["call"], subscribe_and_post,
                replacing=((web.StreamResponse, "__setattr__", noting),))
    return {"unknown": [list(found) for found in unknown[:20]], "heard": heard}


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


@SUITE.judged("handlers never block the event loop", points=1, tags=("blocking",),
              sample=sample_blocking, judge=blocking_judge(step_lesson=BLOCKING_LESSON))
def never_blocks(ctx: CheckContext, scenario: Scenario) -> dict[str, Any]:
    found = ctx.static_blocking_calls()
    sent = scenario["messages"]

    async def subscribe_and_post() -> None:
        hub = new_hub(ctx)
        async with serving(new_app(ctx, hub)) as served, listeners() as listen:
            heard = [listen(served, f"subscriber {n}") for n in range(scenario["subscribers"])]
            await asyncio.sleep(WITHIN / 2)
            for message in sent:
                await post(served, message)
            await within(lambda: all(listener.has(sent) for listener in heard))

    ran = run_student(ctx, scenario["call"], subscribe_and_post, watch_blocking=True)
    return {"blocking": observed_blocking([*found, *ran.blocking]), "not_written": []}
