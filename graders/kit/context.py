"""What a check gets to work with, in the child process: the student's modules and helpers."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from graders.kit.blocking import BlockingCall, RuntimeWatch, scan_source
from graders.kit.checks import NOT_WRITTEN_YET, CheckFailed
from graders.kit.failure import Frame


@dataclass
class CheckContext:
    """The student's code as one check sees it."""

    modules: dict[str, ModuleType]
    """The student's modules by file name ("byhand.py")."""
    main_file: str
    timeline: str = ""
    """Set by a timing check: a picture of what ran when, shown with its result."""
    notes: list[str] = field(default_factory=list)
    """Extra lines for the message, gathered while the check ran (warnings Python gave)."""

    @property
    def module(self) -> ModuleType:
        return self.modules[self.main_file]

    @property
    def module_paths(self) -> list[Path]:
        return [Path(m.__file__) for m in self.modules.values() if m.__file__]

    def function(self, name: str) -> Any:
        """The student's function (or class) `name`, or a failure that says it is missing."""
        value = getattr(self.module, name, None)
        if value is None:
            raise CheckFailed(
                f"{self.main_file} has no {name}.",
                advice=f"define {name} at the top level of {self.main_file}, with that exact name.",
            )
        return value

    def call(self, description: str, function: Callable[[], Any]) -> Any:
        """Call student code; turn an exception it raises into a failure that says where."""
        try:
            return function()
        except CheckFailed:
            raise
        except NotImplementedError as error:
            raise CheckFailed(
                f"{description} raised NotImplementedError: {NOT_WRITTEN_YET}.",
                where=self.frames(error), not_written_yet=True,
                advice="replace the `raise NotImplementedError` under the TODO with your code.",
            ) from error
        except ExceptionGroup as group:
            raise self._group_failure(description, group) from group
        except Exception as error:
            raise CheckFailed(
                f"{description} raised {type(error).__name__}: {error}",
                where=self.frames(error),
                advice=advice_for(error),
            ) from error

    def _group_failure(self, description: str, group: BaseExceptionGroup) -> CheckFailed:
        # A TaskGroup's errors come wrapped in a group whose own message says nothing of them:
        # they are shown one by one, each with the student's line.
        leaves = _leaves(group)
        unwritten = any(isinstance(error, NotImplementedError) for error in leaves)
        return CheckFailed(
            f"{description} raised, inside a task group: " + "; ".join(
                f"{type(error).__name__}: {error}" for error in leaves),
            details="\n".join(self.where(error) for error in leaves),
            advice="replace the `raise NotImplementedError` under each TODO with your code."
            if unwritten else None,
        )

    def frames(self, error: BaseException) -> tuple[Frame, ...]:
        """The lines of the student's files in an exception's traceback, the last three."""
        mine = {str(path.resolve()) for path in self.module_paths}
        return tuple(
            Frame(Path(f.filename).name, f.lineno or 0, f.name, f.line or "")
            for f in traceback.extract_tb(error.__traceback__)
            if str(Path(f.filename).resolve()) in mine
        )[-3:]

    def where(self, error: BaseException) -> str:
        """The same lines as text, for a failure's details."""
        return "\n".join(f"  {frame.render()}" for frame in self.frames(error))

    def static_blocking_calls(self, extra: dict[str, str] | None = None) -> list[BlockingCall]:
        found: list[BlockingCall] = []
        for path in self.module_paths:
            found.extend(scan_source(path, extra))
        return found

    def runtime_watch(self) -> RuntimeWatch:
        return RuntimeWatch(self.modules.values())


def advice_for(error: Exception) -> str | None:
    """What to try for the errors beginners meet most, recognised by their message."""
    text = str(error)
    if isinstance(error, TypeError) and "unhashable type: 'list'" in text \
            and _raised_in(error, "gather"):
        return ("asyncio.gather takes each awaitable as an argument of its own, not one list of "
                "them: unpack the list with a `*` in front of it.")
    if isinstance(error, TypeError) and "'coroutine' object is not iterable" in text:
        return ("a coroutine object is not a list or a generator to loop over with `for`: in an "
                "`async def`, `await` it for its result; a plain function that drives it calls "
                "its send(None) until StopIteration.")
    if isinstance(error, TypeError) and "send() takes exactly one argument" in text:
        return ("send() takes the value to hand into the coroutine: a driver with nothing to "
                "hand in sends None.")
    if isinstance(error, TypeError) and "An asyncio.Future, a coroutine or an awaitable is "\
            "required" in text:
        return ("asyncio was handed a plain value where it needs something to wait for, not "
                "results: an `await` inside gather's arguments, or a plain (not async) function "
                "called there, has already run that call to its end and given its result. Hand "
                "asyncio the coroutines themselves (or tasks, or futures) and await gather once; "
                "a blocking function goes to a worker thread (asyncio.to_thread).")
    if isinstance(error, RuntimeError) and "cannot be called from a running event loop" in text:
        return ("asyncio.run starts an event loop of its own, for the top of a program; inside a "
                "coroutine a loop is already running: `await` what you wanted to run instead.")
    if "belongs to a different loop" in text or "attached to a different loop" in text:
        return ("something made on one event loop was awaited on another: is a loop kept from "
                "import time (asyncio.get_event_loop() at the top of the module)? Inside a "
                "coroutine, asyncio.get_running_loop() gives the loop that runs it.")
    if isinstance(error, RuntimeError) and "Task got bad yield" in text:
        return ("asyncio's event loop ran a coroutine that yields a bare value, as a hand-made "
                "sleep does: asyncio only understands its own futures. Coroutines that yield "
                "their delays need a driver of your own, with send(None).")
    if isinstance(error, RuntimeError) and "raised StopIteration" in text:
        return ("a StopIteration raised inside a coroutine or generator turns into this "
                "RuntimeError: an asynchronous iterator says it has ended by raising "
                "StopAsyncIteration.")
    if isinstance(error, AttributeError) and "has no attribute 'prepare'" in text:
        return ("an aiohttp handler answers with a response object, not the text itself: "
                "return web.Response(text=...).")
    if isinstance(error, TypeError) and "missing 1 required positional argument" in text:
        return ("a function was called with fewer arguments than it takes: read the call on "
                "the line shown. A function handed over to be called later (an aiohttp handler, "
                "a thread's target) is passed without calling it: `f`, not `f()`.")
    if type(error).__name__ == "InvalidStateError" and "Result is not set" in text:
        return ("a task's result() is there only once the task is done: wait for the task "
                "first (await it, or gather, or let a TaskGroup's block end).")
    if isinstance(error, TypeError) and "received an invalid object from __anext__" in text:
        return ("`async for` awaits what __anext__ returns: write __anext__ as an `async def` "
                "(and __aiter__ as a plain def).")
    if isinstance(error, TypeError) and "Passing coroutines is forbidden" in text:
        return ("asyncio.wait takes tasks, not coroutines: make each one a task with "
                "asyncio.create_task first (gather takes coroutines as they are).")
    if "data argument must be byte-ish" in text:
        return ("a stream sends bytes, not str: encode the text first (`text.encode()`).")
    if "before prepare()" in text:
        return ("`await response.prepare(request)` sends the status and the headers; only then "
                "can the body be written.")
    if "RequestContextManager' object" in text:
        return ("session.get(...) gives a request not sent yet: `async with session.get(url) as "
                "response:` sends it and gives the response inside the block.")
    if isinstance(error, TypeError) and "asynchronous context manager protocol" in text:
        return ("`async with` needs an asynchronous context manager (with __aenter__ and "
                "__aexit__); this one is a plain context manager: use `with`.")
    if isinstance(error, TypeError) and "context manager protocol" in text:
        return ("this object is an asynchronous context manager (with __aenter__ and "
                "__aexit__), as aiohttp's sessions and requests are: use `async with`, inside an "
                "`async def`.")
    if isinstance(error, RuntimeError) and "Cannot close a running event loop" in text:
        return ("a running loop cannot be closed: stop() makes its run_forever() return, and "
                "whoever started the loop closes it afterwards.")
    if isinstance(error, TypeError) and "positional argument" in text and "were given" in text:
        return ("the call gives more arguments by position than the function takes: read its "
                "signature; parameters after a `*` must be given by name (`name=value`).")
    if isinstance(error, TypeError) and "object is not callable" in text \
            and "'coroutine'" not in text:
        return ("a value was called as if it were a function. Where a function is handed over "
                "to be called later (Thread(target=...), run_in_executor, to_thread), pass the "
                "function and its arguments apart, uncalled: `f, x`, not `f(x)`, which runs f "
                "at once and hands over its result.")
    if isinstance(error, TypeError) and "'coroutine'" in text:
        return ("a value used here is a coroutine object, not a result: calling an async def "
                "function only creates the coroutine; `await` it to run it and get its result.")
    if isinstance(error, TypeError) and "async_generator can't be used in 'await'" in text:
        return ("an `async def` that contains `yield` is an asynchronous generator, not a "
                "coroutine, and cannot be awaited; a generator-based coroutine is a plain `def` "
                "with `yield`, decorated with @types.coroutine.")
    if isinstance(error, TypeError) and "generator can't be used in 'await'" in text:
        return ("a plain generator cannot be awaited: decorate it with @types.coroutine (or "
                "write a class whose __await__ yields).")
    if isinstance(error, TypeError) and "can't be used in 'await' expression" in text:
        return ("only awaitables can be awaited (coroutines, tasks, futures): `await f(x)` "
                "awaits what f returned, so f must be an `async def` (or, decorated with "
                "@types.coroutine, a function that contains a `yield`), not a plain function "
                "that returns a value.")
    if isinstance(error, StopIteration):
        return ("send() raises StopIteration when the coroutine returns: catch it "
                "(`except StopIteration as finished:`); `finished.value` is the result.")
    if isinstance(error, RuntimeError) and "cannot reuse already awaited coroutine" in text:
        return "a coroutine that has finished cannot be resumed: stop sending to it."
    if isinstance(error, TypeError | AttributeError) and "NoneType" in text:
        return "a value is None where a number or an object was expected: does a function "\
            "forget to return (or a coroutine to yield) its value?"
    return None


def _leaves(group: BaseExceptionGroup) -> list[BaseException]:
    leaves: list[BaseException] = []
    for error in group.exceptions:
        leaves.extend(_leaves(error) if isinstance(error, BaseExceptionGroup) else [error])
    return leaves


def _raised_in(error: BaseException, function: str) -> bool:
    """Whether the innermost frame of the error's traceback is in a function of that name."""
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and frames[-1].name == function


def fail_on_blocking_calls(
    found: list[BlockingCall],
    *,
    step_lesson: str,
    summary: str = "Your code blocks the event loop: while these calls wait, no other coroutine "
    "can run.",
    advice: str | None = None,
) -> None:
    """Fail with every blocking call listed, each with its place and what to use instead."""
    if not found:
        return
    unique = list(dict.fromkeys(found))
    lines = [f"  {hit.describe()}" for hit in unique]
    insteads = sorted({hit.instead for hit in unique if hit.instead})
    if advice is None and insteads:
        advice = "use " + "; or ".join(insteads)
    raise CheckFailed(summary, details="\n".join(lines), why=step_lesson, advice=advice)
