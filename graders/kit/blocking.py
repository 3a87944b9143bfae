"""Finding code that blocks the event loop, two ways.

- Statically: calls inside the body of an `async def` to functions known to block (time.sleep,
  requests, urllib, input, ...). Nested `def`s and lambdas are left out: they may well be handed to
  a thread (asyncio.to_thread(lambda: time.sleep(1)) is right).
- At run time: `blockbuster` wraps blocking functions and complains when one is called on the
  event loop's thread with the student's module on the stack. Its exception could be swallowed by
  a bare `except`, so every hit is recorded as it is made, whatever happens to the exception.
  time.sleep bound under another name before the watch began (`from time import sleep`) is the
  watched one of graders/kit/watched.py, which reports to the watch the same way.

Pure functions never block: of urllib, only the functions that open URLs are listed (quote,
urljoin and parse_qs compute a string).
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import linecache
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

import blockbuster.blockbuster as blockbuster_module

from graders.kit import watchdog, watched

# Qualified names of calls that block, with the asynchronous way to say what they mean.
BLOCKING_CALLS: dict[str, str] = {
    "time.sleep": "await asyncio.sleep(...)",
    "input": "a value passed in, or input() in a thread",
    "os.system": "asyncio.create_subprocess_shell",
    "subprocess.run": "asyncio.create_subprocess_exec",
    "subprocess.call": "asyncio.create_subprocess_exec",
    "subprocess.check_output": "asyncio.create_subprocess_exec",
    "urllib.request.urlopen": "an aiohttp.ClientSession",
    "urllib.request.urlretrieve": "an aiohttp.ClientSession",
    "socket.create_connection": "asyncio.open_connection",
}
# Places in the standard library allowed to block though the student's code is on the stack.
# Leaving `with ThreadPoolExecutor() as pool:` inside a coroutine joins the pool's workers; once
# their work is awaited, they are idle and the join is over at once. (Leaving it with work still
# running does block, and then the work's timing shows it.)
MAY_BLOCK_IN: dict[str, list[tuple[str, set[str]]]] = {
    "threading.Lock.acquire": [("concurrent/futures/thread.py", {"shutdown"})],
    "threading.Lock.acquire_lock": [("concurrent/futures/thread.py", {"shutdown"})],
}
BLOCKING_MODULES: dict[str, str] = {
    "requests": "an aiohttp.ClientSession",
    "http.client": "an aiohttp.ClientSession",
}


@dataclass(frozen=True)
class BlockingCall:
    """One blocking call found in the student's code."""

    call: str
    """What was called, as a qualified name ("time.sleep")."""
    file: str
    line: int
    function: str
    """The coroutine it was called from."""
    code: str
    """The source line, stripped."""
    instead: str = ""
    """What to use instead, if known."""
    in_coroutine: bool = True
    """Whether `function` is an `async def` (a blocking call found at run time may sit in a plain
    function that a coroutine called)."""

    def describe(self) -> str:
        code = self.code if self.call.split(".")[-1] in self.code else f"{self.code} ({self.call})"
        kind = "async def" if self.in_coroutine else "def"
        # Found at run time, `function` is already in words ("a list comprehension in def f").
        where = self.function if " " in self.function else f"{kind} {self.function}"
        return f"{self.file}:{self.line} {code} inside {where}"


def scan_source(path: Path, extra: dict[str, str] | None = None) -> list[BlockingCall]:
    """Blocking calls written directly in the `async def` bodies of one file.

    `extra` adds names the exercise knows to block (04's blocking_square), with advice.
    """
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return []  # the import check reports files that cannot be read or parsed
    aliases = _import_aliases(tree)
    known = {**BLOCKING_CALLS, **(extra or {})}
    found: list[BlockingCall] = []
    for coroutine in (n for n in ast.walk(tree) if isinstance(n, ast.AsyncFunctionDef)):
        for call in _calls_in_own_body(coroutine):
            name = _qualified_name(call.func, aliases)
            if name is None:
                continue
            instead = known.get(name) or _module_advice(name)
            if instead is None:
                continue
            found.append(
                BlockingCall(
                    call=name,
                    file=path.name,
                    line=call.lineno,
                    function=coroutine.name,
                    code=linecache.getline(str(path), call.lineno).strip(),
                    instead=instead,
                )
            )
    return found


def _module_advice(name: str) -> str | None:
    for module, advice in BLOCKING_MODULES.items():
        if name == module or name.startswith(module + "."):
            return advice
    return None


def _import_aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> qualified name, for every import in the file (at any depth)."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    aliases[head] = head
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _calls_in_own_body(function: ast.AsyncFunctionDef) -> Iterator[ast.Call]:
    """Calls made by the coroutine itself: not those inside nested functions, lambdas, classes."""
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(node, ast.Call):
            yield node
        pending.extend(ast.iter_child_nodes(node))


def _qualified_name(func: ast.expr, aliases: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return None
    head = aliases.get(func.id, func.id)
    return ".".join([head, *reversed(parts)])


_busters: dict[tuple[tuple[str, ...], tuple[str, ...]], Any] = {}
"""blockbuster's watchers by the modules they scan and what they watch, for this process."""


class RuntimeWatch:
    """Records blocking calls made on the event loop's thread from the student's modules."""

    def __init__(self, modules: Iterable[ModuleType]) -> None:
        self._modules = list(modules)
        self._paths = {str(Path(m.__file__).resolve()) for m in self._modules if m.__file__}
        self.hits: list[BlockingCall] = []

    @contextlib.contextmanager
    def watching(self, only: tuple[str, ...] = ()) -> Iterator[RuntimeWatch]:
        """Watch while this lasts. `only` narrows the watch to functions whose blockbuster names
        start with one of these prefixes ("socket." for network calls alone)."""
        watch = self
        original_error = blockbuster_module.BlockingError

        class RecordedBlockingError(original_error):  # type: ignore[misc, valid-type]
            def __init__(self, func: str) -> None:
                super().__init__(func)
                watch._record(func, sys._getframe(1))

        # Learners see the exception's name in messages: blockbuster's, not ours.
        RecordedBlockingError.__name__ = RecordedBlockingError.__qualname__ = "BlockingError"

        buster = self._buster(only)
        blockbuster_module.BlockingError = RecordedBlockingError
        def on_watched_call(func: str) -> None:
            if only and not func.startswith(only):
                return
            # Recording reads paths (os.path.abspath): not a blocking call of the student's.
            blockbuster_module._skip.value = True
            try:
                error = RecordedBlockingError(func)
            finally:
                blockbuster_module._skip.value = False
            raise error

        buster.activate()
        try:
            with watched.calls_reported_to(on_watched_call), \
                    watchdog.holds_reported_to(self._record_hold):
                yield self
        finally:
            buster.deactivate()
            blockbuster_module.BlockingError = original_error

    def _buster(self, only: tuple[str, ...]) -> Any:
        """blockbuster's watcher for these modules, made once and kept: a judged check runs the
        student's code many times, and making one wraps every function it knows."""
        # By file, as blockbuster knows them: the modules imported again for a later check
        # (graders/engine/child.py) are the same files.
        key = (tuple(str(getattr(module, "__file__", None) or getattr(module, "__name__", ""))
                     for module in self._modules), only)
        buster = _busters.get(key)
        if buster is None:
            buster = blockbuster_module.BlockBuster(scanned_modules=self._modules)
            for name, places in MAY_BLOCK_IN.items():
                for filename, functions in places:
                    buster.functions[name].can_block_in(filename, functions)
            if only:
                buster.functions = {name: function for name, function
                                    in buster.functions.items() if name.startswith(only)}
            _busters[key] = buster
        return buster

    def _record_hold(self, hold: watchdog.Hold) -> None:
        """The watchdog found the loop held by the student's code (a busy loop, a blocking call
        no list names): a blocking call too, at the line it was held in."""
        if any(hit.file == hold.file and hit.line == hold.line for hit in self.hits):
            return
        self.hits.append(BlockingCall(
            call="held the event loop", file=hold.file, line=hold.line,
            function=hold.function, code=hold.code, instead=watchdog.HOLD_ADVICE,
            in_coroutine=hold.in_coroutine,
        ))

    def _record(self, func: str, frame: FrameType | None) -> None:
        while frame is not None:
            path = frame.f_code.co_filename
            if path in self._paths or str(Path(path).resolve()) in self._paths:
                hit = BlockingCall(
                    call=func,
                    file=Path(path).name,
                    line=frame.f_lineno,
                    function=watched.function_in_words(frame),
                    code=linecache.getline(path, frame.f_lineno).strip(),
                    instead=BLOCKING_CALLS.get(func, ""),
                    in_coroutine=bool(frame.f_code.co_flags & inspect.CO_COROUTINE),
                )
                if hit not in self.hits:
                    self.hits.append(hit)
                return
            frame = frame.f_back
