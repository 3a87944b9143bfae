"""What a student's module ran while it was being imported, recorded as it happened.

Whether a module runs its program at import is a matter of behaviour, not of form: the program
may sit under `if __name__ == "__main__":`, under `match __name__:`, or behind any other test, and
it may be reached through helpers. So the child imports each student module inside
`recording_import_calls`, which notes (with sys.setprofile, for the import alone) every call of a
function defined in that file and every asyncio.run, each with the line of the module's top level
that was running then. Checks read the record with `import_calls`.
"""

from __future__ import annotations

import asyncio.runners
import contextlib
import linecache
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

ASYNCIO_RUN = asyncio.runners.run.__code__


@dataclass(frozen=True)
class ImportCall:
    """One call made while a module was being imported."""

    function: str
    """A function of the module's own ("main"), or "asyncio.run"."""
    line: int
    """The line of the module's top level that was running."""
    code: str
    """That line, stripped."""


_recorded: dict[str, list[ImportCall]] = {}
"""The calls made while each file was imported, by resolved path."""


def import_calls(path: Path | str) -> list[ImportCall]:
    """The calls recorded while this file was imported (none when it was not imported here)."""
    return list(_recorded.get(str(Path(path).resolve()), ()))


@contextlib.contextmanager
def recording_import_calls(path: Path | str) -> Iterator[list[ImportCall]]:
    """Record the calls made while this lasts, as the import of `path`'s module."""
    filename = str(path)
    calls: list[ImportCall] = []
    _recorded[str(Path(path).resolve())] = calls

    def on_event(frame: FrameType, event: str, arg: Any) -> None:
        if event != "call":
            return
        code = frame.f_code
        if code is ASYNCIO_RUN:
            name = "asyncio.run"
        elif code.co_filename == filename and code.co_name != "<module>":
            name = code.co_name
        else:
            return
        line = _top_level_line(frame.f_back, filename)
        if line and not any(c.function == name and c.line == line for c in calls):
            calls.append(ImportCall(name, line, linecache.getline(filename, line).strip()))

    saved = sys.getprofile()
    sys.setprofile(on_event)
    try:
        yield calls
    finally:
        sys.setprofile(saved)


def _top_level_line(frame: FrameType | None, filename: str) -> int:
    while frame is not None:
        if frame.f_code.co_filename == filename and frame.f_code.co_name == "<module>":
            return frame.f_lineno
        frame = frame.f_back
    return 0
