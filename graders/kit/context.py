"""What a check gets to work with, in the child process: the student's modules and helpers.

An exception from student code becomes a failure that says where it was raised and, for the
mistakes beginners make most, what to try (graders.kit.advice).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from graders.kit.advice import advice_for
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


def _leaves(group: BaseExceptionGroup) -> list[BaseException]:
    leaves: list[BaseException] = []
    for error in group.exceptions:
        leaves.extend(_leaves(error) if isinstance(error, BaseExceptionGroup) else [error])
    return leaves


def observed_blocking(found: list[BlockingCall]) -> list[dict[str, Any]]:
    """Blocking calls found, each once, in plain values: a judged blocking check's observation."""
    return [
        {"call": str(hit.call)[:200], "file": str(hit.file)[:300], "line": int(hit.line),
         "function": str(hit.function)[:200], "code": str(hit.code)[:300],
         "instead": str(hit.instead)[:200], "in_coroutine": bool(hit.in_coroutine)}
        for hit in list(dict.fromkeys(found))[:50]
    ]


def blocking_judge(
    *, step_lesson: str, summary: str = "", advice: str | None = None,
) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    """The parent's verdict on a blocking check's observation ({"blocking": observed_blocking,
    "not_written": calls that raised NotImplementedError or were missing, so could not be
    watched}): every blocking call listed, with its place and what to use instead; else the
    parts that could not be run."""
    def judge(scenario: dict[str, Any], seen: dict[str, Any]) -> None:
        found = [BlockingCall(**hit) for hit in seen["blocking"]]
        options = {"summary": summary} if summary else {}
        fail_on_blocking_calls(found, step_lesson=step_lesson, advice=advice, **options)
        if seen.get("not_written"):
            raise CheckFailed(
                "Some of your code is not written yet, so it cannot be checked for blocking "
                "calls.",
                actual="not written (NotImplementedError, or missing): "
                + ", ".join(str(call) for call in seen["not_written"]),
                advice="write every TODO; this check then runs all of it.",
            )
    return judge


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
