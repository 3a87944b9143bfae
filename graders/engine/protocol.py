"""The wire between the child and the parent: the events the child reports, and how they travel.

The child writes on a pipe that only it and the parent share (not stdout, which the student's code
can write to), one JSON object a line, each starting with the run's secret token, which the parent
wrote on the child's stdin and which the child read before any student code ran:

    {"token": "...", "event": "start", "index": 3}

The parent believes nothing else: a line is compared as bytes with the token's prefix before it is
parsed, so a flood of junk costs no parsing; a line that does not parse, has a field of the wrong
type or is longer than MAX_LINE_BYTES is dropped; no exception of the parsing ever reaches the
parent. A run's events are capped in number (MAX_EVENTS, and MAX_REFUSED between two starts), so
that a child that reports without end cannot fill the parent's memory either.

Each event kind is a frozen dataclass; its fields, with their types, are the schema. A field of a
dataclass type travels as an object of its own (a Failure, in a Result).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import secrets
import types
import typing
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Union

from graders.kit.failure import Failure

MAX_LINE_BYTES = 1024**2
"""A line longer than this is dropped: the writer cuts its fields far below it."""
MAX_FIELD_CHARS = 8_000
"""The writer cuts every text field to this: a huge repr must not flood the parent."""
MAX_OBSERVATION_CHARS = 512 * 1024
"""A judged check's observations are kept whole up to this (cut, they would not parse): a child
that observed more fails the check itself."""
MAX_EVENTS = 10_000
"""Events of one child beyond this are dropped: no grading needs more than a few hundred."""
MAX_REFUSED = 50
"""Refusals kept between two starts of checks; the message shows a few of them."""


@dataclass(frozen=True)
class Imported:
    """The student's modules were loaded, and the checks are about to start."""

    kind: ClassVar[str] = "imported"


@dataclass(frozen=True)
class ImportFailed:
    """The student's modules could not be loaded: no check can run."""

    kind: ClassVar[str] = "import_failed"
    message: str
    """What went wrong, for the learner."""


@dataclass(frozen=True)
class Start:
    """The check at `index` (in the suite's order) starts now."""

    kind: ClassVar[str] = "start"
    index: int


@dataclass(frozen=True)
class Result:
    """What the check at `index` found; believed only for the check that was started last."""

    kind: ClassVar[str] = "result"
    index: int
    passed: bool
    failure: Failure | None = None
    """Why it failed, for the learner; None when it passed."""
    output: str = ""
    """The tail of what the student's code printed during the check, when it failed."""
    timeline: str = ""
    """A picture of what ran when, for a failed timing check."""
    virtual_seconds: float = 0.0
    """How much virtual time the check covered."""
    observations: str = ""
    """A judged check's observations, one a scenario, as JSON text: the parent judges them
    (graders/kit/scenarios.py); its `passed` then only says that all were observed."""
    notes: tuple[str, ...] = ()
    """Lines gathered while a judged check was observed (a warning Python gave), for the
    judge's failure."""


@dataclass(frozen=True)
class Refused:
    """The guard refused something (graders/engine/guard.py); told at once, in case the check
    then hangs or dies."""

    kind: ClassVar[str] = "refused"
    what: str


@dataclass(frozen=True)
class Restart:
    """This child is spoilt: go on in a new one, from the check at `index`."""

    kind: ClassVar[str] = "restart"
    index: int


@dataclass(frozen=True)
class Verified:
    """The grader's record was compared and found unchanged: the results this child sent so far
    hold, whatever it does next (it may still hang or exit in its next check)."""

    kind: ClassVar[str] = "verified"


@dataclass(frozen=True)
class Spoilt:
    """The student's code changed what the grader relies on, in this child's import or in one of
    its checks, which one this child cannot tell (it compared its record only now): none of the
    results it sent holds. The parent runs their checks again in a child that compares after
    each (graders/engine/child.py)."""

    kind: ClassVar[str] = "spoilt"
    message: str
    """What changed, for the learner, should no child be left to find out more."""


@dataclass(frozen=True)
class Finished:
    """Every check ran, and the results sent hold: the record was compared at the end."""

    kind: ClassVar[str] = "finished"


Event = Union[Imported, ImportFailed, Start, Result, Refused, Restart, Verified,  # noqa: UP007
              Spoilt, Finished]
KINDS: dict[str, type] = {cls.kind: cls for cls in typing.get_args(Event)}
"""Each event kind by the name it travels under."""


PUBLIC_PREFIX = b'{"token": "'
"""How every line starts, before the token itself."""


def prefix(token: str) -> bytes:
    """How every line of the run starts: the token is the first field."""
    return PUBLIC_PREFIX + token.encode() + b'"'


def clip(text: str, limit: int = MAX_FIELD_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = f"\n[... {len(text) - limit:,} characters cut ...]\n"
    return text[: limit // 2] + cut + text[-limit // 2 :]


def encode(event: Any, token: str) -> bytes:
    """One line of the wire for `event`, its text fields cut to MAX_FIELD_CHARS."""
    fields = {name: value if name == "observations" else _clipped(value)
              for name, value in dataclasses.asdict(event).items()}
    return (json.dumps({"token": token, "event": event.kind, **fields}) + "\n").encode()


def _clipped(value: Any) -> Any:
    if isinstance(value, str):
        return clip(value)
    if isinstance(value, dict):
        return {key: _clipped(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clipped(item) for item in value]
    return value


# Kept before student code runs, which could replace them.
_write = os.write
_getpid = os.getpid
_exit = os._exit


class Writer:
    """The child's side: writes events on the results pipe, from this process only."""

    def __init__(self, fd: int, token: str) -> None:
        self._fd = fd
        self._token = token
        self._pid = _getpid()

    def send(self, event: Any) -> None:
        if _getpid() != self._pid:
            _exit(0)  # a process the student's code forked never speaks for the grader
        data = encode(event, self._token)
        while data:
            written = _write(self._fd, data)
            data = data[written:]


class Reader:
    """The parent's side: events from the results pipe, whole lines with the run's token, in a
    sensible order.

    A result is believed only for the check the child said it started, once; anything else (a
    forged line without the token, a result for another check, a field of the wrong type) is
    dropped.
    """

    def __init__(self, token: str) -> None:
        self._prefix = prefix(token)
        self._pending = b""
        self._skipping = False
        self._started: int | None = None
        self._count = 0
        self._refused = 0

    def feed(self, chunk: bytes) -> list[Event]:
        self._pending += chunk
        *lines, self._pending = self._pending.split(b"\n")
        if len(self._pending) > MAX_LINE_BYTES:  # no line ends: drop it, up to the next one
            self._pending, self._skipping = b"", True
        events = []
        if self._skipping and lines:
            self._skipping = False
            lines = lines[1:]
        for line in lines:
            # Compared as bytes before anything is parsed: junk costs a startswith, no more.
            if not line.startswith(PUBLIC_PREFIX) or len(line) > MAX_LINE_BYTES:
                continue
            if self._count >= MAX_EVENTS:
                break
            if not secrets.compare_digest(line[: len(self._prefix)], self._prefix):
                continue
            event = self._believed(line)
            if event is not None:
                self._count += 1
                events.append(event)
        return events

    def _believed(self, line: bytes) -> Event | None:
        try:
            event = decode(line)
        except Exception:  # whatever a line holds, it is dropped, never raised
            return None
        if isinstance(event, Start):
            self._started, self._refused = event.index, 0
        elif isinstance(event, Result):
            if event.index != self._started:
                return None
            self._started = None
        elif isinstance(event, Refused):
            self._refused += 1
            if self._refused > MAX_REFUSED:
                return None
        return event


def decode(line: bytes) -> Event:
    """The event on one line; raises ValueError (or anything else) for a line that is not one."""
    data = json.loads(line)
    if not isinstance(data, dict):
        raise ValueError("not an object")
    cls = KINDS.get(data.get("event"))  # type: ignore[arg-type]
    if cls is None:
        raise ValueError(f"no such event: {data.get('event')!r}")
    return _build(cls, data)


@functools.cache
def _schema(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    """Each field of `cls`: its name, its type, and whether it may be left out."""
    hints = typing.get_type_hints(cls)
    missing = dataclasses.MISSING
    return tuple(
        (field.name, hints[field.name],
         field.default is not missing or field.default_factory is not missing)
        for field in dataclasses.fields(cls)
    )


def _build(cls: type, data: dict) -> Any:
    values = {}
    for name, hint, optional in _schema(cls):
        if name in data:
            values[name] = _typed(hint, data[name])
        elif not optional:
            raise ValueError(f"{cls.__name__} without {name}")
    return cls(**values)


def _typed(hint: Any, value: Any) -> Any:
    """`value` as the type `hint` says, or ValueError: no coercion but int to float."""
    if hint is str and type(value) is str:
        return value
    if hint is bool and type(value) is bool:
        return value
    if hint is int and type(value) is int:
        return value
    if hint is float and type(value) in (int, float):
        return float(value)
    origin = typing.get_origin(hint)
    if origin is Literal and value in typing.get_args(hint) and type(value) is str:
        return value
    if origin in (Union, types.UnionType):
        for option in typing.get_args(hint):
            if option is type(None) and value is None:
                return None
            if option is not type(None):
                try:
                    return _typed(option, value)
                except ValueError:
                    continue
    elif origin is tuple and type(value) is list:
        item_hint = typing.get_args(hint)[0]
        return tuple(_typed(item_hint, item) for item in value)
    elif dataclasses.is_dataclass(hint) and type(value) is dict:
        return _build(hint, value)  # type: ignore[arg-type]
    raise ValueError(f"{value!r:.40} is not a {hint}")
