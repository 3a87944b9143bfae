"""What to try for the errors beginners meet most: an ordered table of mistakes, read top down.

Each `Mistake` says how to recognise it (the kind of error, words its message holds, where it was
raised) and what to try. `advice_for(error)` gives the advice of the first mistake that matches,
so a mistake whose message also fits a more general one comes before it: "'coroutine' object is not
iterable" before any message naming a 'coroutine', "asynchronous context manager protocol" before
"context manager protocol". Each mistake carries an example, the message of a real error of that
mistake, and tests/test_advice.py checks that every example gets its own mistake's advice: an entry
placed below one that hides it fails there. To teach the grader a new mistake, add an entry with
its example above the first more general one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import traceback
from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    """A beginner's mistake, recognised by the error it raises, and what to try."""

    mistake: str
    """The mistake in a few words, for whoever maintains the table (and the tests' ids)."""
    kinds: tuple[type[BaseException], ...]
    """The errors it raises; empty for any error."""
    says: tuple[str, ...]
    """Words the error's message holds, all of them."""
    advice: str
    """What to try, for the learner: where to look, never the solution itself."""
    example: str
    """The message of a real error of this mistake (raised as `kinds[0]`, or as Exception)."""
    not_says: tuple[str, ...] = ()
    """Words the message must not hold (they belong to another mistake)."""
    raised_in: str = ""
    """The function in which the error was raised (the innermost frame), when it tells."""

    def matches(self, error: BaseException) -> bool:
        text = str(error)
        return (
            (not self.kinds or isinstance(error, self.kinds))
            and all(words in text for words in self.says)
            and not any(words in text for words in self.not_says)
            and (not self.raised_in or _raised_in(error, self.raised_in))
        )


ANOTHER_LOOP = (
    "something made on one event loop was awaited on another: is a loop kept from import time "
    "(asyncio.get_event_loop() at the top of the module)? Inside a coroutine, "
    "asyncio.get_running_loop() gives the loop that runs it."
)

MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "a list handed to gather instead of its items",
        (TypeError,), ("unhashable type: 'list'",), raised_in="gather",
        advice="asyncio.gather takes each awaitable as an argument of its own, not one list of "
        "them: unpack the list with a `*` in front of it.",
        example="unhashable type: 'list'",
    ),
    Mistake(
        "a coroutine looped over with for",
        (TypeError,), ("'coroutine' object is not iterable",),
        advice="a coroutine object is not a list or a generator to loop over with `for`: in an "
        "`async def`, `await` it for its result; a plain function that drives it calls its "
        "send(None) until StopIteration.",
        example="'coroutine' object is not iterable",
    ),
    Mistake(
        "send() called without a value",
        (TypeError,), ("send() takes exactly one argument",),
        advice="send() takes the value to hand into the coroutine: a driver with nothing to hand "
        "in sends None.",
        example="coroutine.send() takes exactly one argument (0 given)",
    ),
    Mistake(
        "results handed to asyncio where it needs awaitables",
        (TypeError,), ("An asyncio.Future, a coroutine or an awaitable is required",),
        advice="asyncio was handed a plain value where it needs something to wait for, not "
        "results: an `await` inside gather's arguments, or a plain (not async) function called "
        "there, has already run that call to its end and given its result. Hand asyncio the "
        "coroutines themselves (or tasks, or futures) and await gather once; a blocking function "
        "goes to a worker thread (asyncio.to_thread).",
        example="An asyncio.Future, a coroutine or an awaitable is required",
    ),
    Mistake(
        "asyncio.run inside a coroutine",
        (RuntimeError,), ("cannot be called from a running event loop",),
        advice="asyncio.run starts an event loop of its own, for the top of a program; inside a "
        "coroutine a loop is already running: `await` what you wanted to run instead.",
        example="asyncio.run() cannot be called from a running event loop",
    ),
    Mistake(
        "something of one event loop awaited on another (belongs to)",
        (), ("belongs to a different loop",), advice=ANOTHER_LOOP,
        example="<asyncio.locks.Event object at 0x7f> belongs to a different loop",
    ),
    Mistake(
        "something of one event loop awaited on another (attached to)",
        (), ("attached to a different loop",), advice=ANOTHER_LOOP,
        example="Task <Task pending name='Task-1' coro=<main()>> got Future <Future pending> "
        "attached to a different loop",
    ),
    Mistake(
        "a hand-made sleep run by asyncio",
        (RuntimeError,), ("Task got bad yield",),
        advice="asyncio's event loop ran a coroutine that yields a bare value, as a hand-made "
        "sleep does: asyncio only understands its own futures. Coroutines that yield their "
        "delays need a driver of your own, with send(None).",
        example="Task got bad yield: 3",
    ),
    Mistake(
        "StopIteration raised inside a coroutine",
        (RuntimeError,), ("raised StopIteration",),
        advice="a StopIteration raised inside a coroutine or generator turns into this "
        "RuntimeError: an asynchronous iterator says it has ended by raising "
        "StopAsyncIteration.",
        example="coroutine raised StopIteration",
    ),
    Mistake(
        "an aiohttp handler that returns text",
        (AttributeError,), ("has no attribute 'prepare'",),
        advice="an aiohttp handler answers with a response object, not the text itself: return "
        "web.Response(text=...).",
        example="'str' object has no attribute 'prepare'",
    ),
    Mistake(
        "a function called with an argument missing",
        (TypeError,), ("missing 1 required positional argument",),
        advice="a function was called with fewer arguments than it takes: read the call on the "
        "line shown. A function handed over to be called later (an aiohttp handler, a thread's "
        "target) is passed without calling it: `f`, not `f()`.",
        example="square() missing 1 required positional argument: 'x'",
    ),
    Mistake(
        "a task's result read before it is done",
        (asyncio.InvalidStateError, concurrent.futures.InvalidStateError),
        ("Result is not set",),
        advice="a task's result() is there only once the task is done: wait for the task first "
        "(await it, or gather, or let a TaskGroup's block end).",
        example="Result is not set.",
    ),
    Mistake(
        "a plain def __anext__",
        (TypeError,), ("received an invalid object from __anext__",),
        advice="`async for` awaits what __anext__ returns: write __anext__ as an `async def` (and "
        "__aiter__ as a plain def).",
        example="'async for' received an invalid object from __anext__: int",
    ),
    Mistake(
        "coroutines handed to asyncio.wait",
        (TypeError,), ("Passing coroutines is forbidden",),
        advice="asyncio.wait takes tasks, not coroutines: make each one a task with "
        "asyncio.create_task first (gather takes coroutines as they are).",
        example="Passing coroutines is forbidden, use tasks explicitly.",
    ),
    Mistake(
        "a str written to a stream",
        (), ("data argument must be byte-ish",),
        advice="a stream sends bytes, not str: encode the text first (`text.encode()`).",
        example="data argument must be byte-ish (<class 'str'>)",
    ),
    Mistake(
        "a stream written before prepare()",
        (), ("before prepare()",),
        advice="`await response.prepare(request)` sends the status and the headers; only then "
        "can the body be written.",
        example="Cannot call write() before prepare()",
    ),
    Mistake(
        "an aiohttp request used without async with",
        (), ("RequestContextManager' object",),
        advice="session.get(...) gives a request not sent yet: `async with session.get(url) as "
        "response:` sends it and gives the response inside the block.",
        example="'_RequestContextManager' object has no attribute 'text'",
    ),
    Mistake(
        "async with on a plain context manager",
        (TypeError,), ("asynchronous context manager protocol",),
        advice="`async with` needs an asynchronous context manager (with __aenter__ and "
        "__aexit__); this one is a plain context manager: use `with`.",
        example="'_thread.lock' object does not support the asynchronous context manager "
        "protocol",
    ),
    Mistake(
        "with on an asynchronous context manager",
        (TypeError,), ("context manager protocol",),
        advice="this object is an asynchronous context manager (with __aenter__ and __aexit__), "
        "as aiohttp's sessions and requests are: use `async with`, inside an `async def`.",
        example="'ClientSession' object does not support the context manager protocol",
    ),
    Mistake(
        "a running loop closed",
        (RuntimeError,), ("Cannot close a running event loop",),
        advice="a running loop cannot be closed: stop() makes its run_forever() return, and "
        "whoever started the loop closes it afterwards.",
        example="Cannot close a running event loop",
    ),
    Mistake(
        "too many arguments by position",
        (TypeError,), ("positional argument", "were given"),
        advice="the call gives more arguments by position than the function takes: read its "
        "signature; parameters after a `*` must be given by name (`name=value`).",
        example="square() takes 1 positional argument but 2 were given",
    ),
    Mistake(
        "a call's result handed over where a function was wanted",
        (TypeError,), ("object is not callable",), not_says=("'coroutine'",),
        advice="a value was called as if it were a function. Where a function is handed over to "
        "be called later (Thread(target=...), run_in_executor, to_thread), pass the function and "
        "its arguments apart, uncalled: `f, x`, not `f(x)`, which runs f at once and hands over "
        "its result.",
        example="'int' object is not callable",
    ),
    Mistake(
        "a coroutine used as a value",
        (TypeError,), ("'coroutine'",),
        advice="a value used here is a coroutine object, not a result: calling an async def "
        "function only creates the coroutine; `await` it to run it and get its result.",
        example="unsupported operand type(s) for +: 'coroutine' and 'int'",
    ),
    Mistake(
        "an async generator awaited",
        (TypeError,), ("async_generator can't be used in 'await'",),
        advice="an `async def` that contains `yield` is an asynchronous generator, not a "
        "coroutine, and cannot be awaited; a generator-based coroutine is a plain `def` with "
        "`yield`, decorated with @types.coroutine.",
        example="object async_generator can't be used in 'await' expression",
    ),
    Mistake(
        "a plain generator awaited",
        (TypeError,), ("generator can't be used in 'await'",),
        advice="a plain generator cannot be awaited: decorate it with @types.coroutine (or write "
        "a class whose __await__ yields).",
        example="object generator can't be used in 'await' expression",
    ),
    Mistake(
        "a plain value awaited",
        (TypeError,), ("can't be used in 'await' expression",),
        advice="only awaitables can be awaited (coroutines, tasks, futures): `await f(x)` awaits "
        "what f returned, so f must be an `async def` (or, decorated with @types.coroutine, a "
        "function that contains a `yield`), not a plain function that returns a value.",
        example="object int can't be used in 'await' expression",
    ),
    Mistake(
        "StopIteration from send() not caught",
        (StopIteration,), (),
        advice="send() raises StopIteration when the coroutine returns: your code must catch "
        "it, and the exception itself carries the coroutine's return value (look up the "
        "attributes of StopIteration).",
        example="125",
    ),
    Mistake(
        "a finished coroutine resumed",
        (RuntimeError,), ("cannot reuse already awaited coroutine",),
        advice="a coroutine that has finished cannot be resumed: stop sending to it.",
        example="cannot reuse already awaited coroutine",
    ),
    Mistake(
        "a value forgotten: None where something was expected",
        (TypeError, AttributeError), ("NoneType",),
        advice="a value is None where a number or an object was expected: does a function forget "
        "to return (or a coroutine to yield) its value?",
        example="unsupported operand type(s) for *: 'NoneType' and 'int'",
    ),
)
"""Read top down: the first mistake that matches gives its advice."""


def mistake_for(error: BaseException) -> Mistake | None:
    """The first mistake of the table that the error fits, if any."""
    return next((mistake for mistake in MISTAKES if mistake.matches(error)), None)


def advice_for(error: BaseException) -> str | None:
    """What to try for the errors beginners meet most, recognised by their message."""
    mistake = mistake_for(error)
    return mistake.advice if mistake else None


def _raised_in(error: BaseException, function: str) -> bool:
    """Whether the innermost frame of the error's traceback is in a function of that name."""
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and frames[-1].name == function
