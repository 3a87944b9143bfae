"""The child process: loads a submission's modules and runs an exercise's checks.

It reports each step on its private results pipe, as events of graders/engine/protocol.py. The
parent decides every verdict from these events alone: a check without a result failed. Before the
student's code runs, the child installs the guard (graders/engine/guard.py): an audit hook that
refuses what no solution needs, and a record of the functions the checks rely on. The record is
compared after the import, then only after the last check a child runs (and every VERIFY_SECONDS,
and when the guard refused something): the results a child sent before a comparison hold, those
after it are spoilt if it finds a change (`Spoilt`) or if the child ends before the next, and the
parent runs their checks again in a child that compares after every check (`--compare-each`),
which finds the one that changed what. A right submission, which changes nothing, pays for two
comparisons a child, not one a check.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import gc
import importlib
import importlib.util
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from graders.engine import messages
from graders.engine.guard import Guard, Policy
from graders.engine.integrity import Integrity, inherited
from graders.engine.loading import (
    StudentImportFailed,
    StudentModules,
    load_module,
    load_student_modules,
)
from graders.engine.processes import results_fd
from graders.engine.protocol import (
    Finished,
    Imported,
    ImportFailed,
    Refused,
    Restart,
    Result,
    Spoilt,
    Start,
    Verified,
    Writer,
)
from graders.engine.stopgaps import Stopgaps, name_in
from graders.engine.where import WHERE_SIGNAL
from graders.kit import watched
from graders.kit.capture import recording_stdout, route_standard_output
from graders.kit.checks import Check, CheckFailed
from graders.kit.context import CheckContext
from graders.kit.failure import Failure
from graders.kit.scenarios import Scenario, decode_scenarios, observe_all
from graders.kit.timeline import printed_picture
from graders.kit.vtime import CoveredTime
from graders.manifest import PACK_ROOT, find_exercise

# Kept before student code runs, which could replace it.
_exit = os._exit
_monotonic = time.monotonic
VERIFY_SECONDS = 0.5
"""How long a child that compares the grader's record only after its last check goes without
comparing it all the same (`Verified`): should it then hang or exit, the checks the parent runs
again take at most about this long."""
DEFAULT_MAX_PROCESSES = 16


class ParentLines:
    """The lines the parent writes on the child's stdin: the run's secret token; once the child
    reported its modules loaded, the scenarios it chose for the judged checks (graders/kit/
    scenarios.py); then, one at a time, the index of each check this child is to run next
    (graders/engine/parent.py hands them out as the child reports, so that children side by
    side share one exercise's checks). Read from a descriptor of the child's own, with the
    os.read of before the student's code ran: stdin itself reads as empty."""

    def __init__(self) -> None:
        self._fd = os.dup(0)  # not inheritable: a program the student's code starts gets none
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        self._pending = b""
        self._read = os.read  # a watched or replaced os.read later changes nothing here

    def next(self) -> str:
        """The next line, stripped; "" once the parent closed the pipe."""
        while b"\n" not in self._pending:
            try:
                chunk = self._read(self._fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                line, self._pending = self._pending, b""
                return line.decode(errors="replace").strip()
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return line.decode(errors="replace").strip()

    def indices(self, count: int) -> Iterator[int]:
        """The checks to run, as the parent gives them; ends when it gives no more (a line that
        is no check's index ends it too)."""
        while (line := self.next()).isdigit() and int(line) < count:
            yield int(line)


def run_check(check: Check, context: CheckContext, index: int = 0,
              scenarios: list[Scenario] | None = None) -> Result:
    """Run one check; whatever it does, answer with a result. A judged check observes each of
    its `scenarios`, and its result carries what it saw, for the parent to judge."""
    context.timeline = ""
    context.notes = []
    CoveredTime.take()
    failure: Failure | None = None
    observations = ""
    with warnings.catch_warnings(record=True) as caught, recording_stdout() as printed:
        warnings.simplefilter("always")
        try:
            if check.judged:
                observations = observe_all(check, context, scenarios or [])
            else:
                check.function(context)  # type: ignore[call-arg]
        except CheckFailed as failed:
            if failed.why is None and check.why:
                failed.why = check.why
            failure = _with_memory_note(failed.failure, failed)
        except SystemExit as exit_:  # an early exit, caught: it fails this check only
            failure = Failure(
                f"Your code called sys.exit({exit_.code!r}) during this check, which would end "
                "the program. Return a value or raise an exception instead.", stopped="exit",
            )
        except BaseException as error:  # the check itself met something unexpected
            failure = _with_memory_note(Failure(
                f"This check met {type(error).__name__}: {error}", where=context.frames(error),
            ), error)
        gc.collect()  # so that coroutines never awaited are noticed now, within this check
        gc.freeze()  # and what outlived it is set apart: the next check's collection, and every
        # one the interpreter makes meanwhile, look at what that check made (milliseconds less)
    for warning in caught:
        if issubclass(warning.category, RuntimeWarning) and "never awaited" in str(warning.message):
            context.notes.append(f"Python warned: {warning.message}")
    if failure is None:
        return Result(index=index, passed=True, virtual_seconds=CoveredTime.take(),
                      observations=observations, notes=_explained(context.notes))
    notes = _explained([*failure.notes, *context.notes])
    timeline = context.timeline
    if not timeline and "timing" in check.tags:
        timeline = printed_picture(printed.lines)  # a picture for every timing failure
    return Result(
        index=index, passed=False, failure=replace(failure, notes=tuple(notes)),
        output=printed.tail(), timeline=timeline, virtual_seconds=CoveredTime.take(),
    )


def _explained(notes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    unique = list(dict.fromkeys(notes))
    if any("never awaited" in note for note in unique):
        unique.append("(a coroutine that is called but never awaited never runs: add await)")
    return tuple(unique)


def _with_memory_note(failure: Failure, error: BaseException) -> Failure:
    if not _ran_out_of_memory(error):
        return failure
    return replace(failure, notes=(*failure.notes, messages.MEMORY_NOTE))


def _ran_out_of_memory(error: BaseException | None) -> bool:
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, MemoryError):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def _forbidden_folder(reference: bool) -> Path | None:
    """The reference solutions, unless the parent said that one of them is graded (a teacher's
    `--reference`): never decided from the submission's path, which its author controls. In a
    sandbox the folder is absent, and a try to read it is flagged all the same."""
    return None if reference else PACK_ROOT / "solutions"


@dataclass(frozen=True)
class Spoiler:
    """What the student's code did that spoils a verdict, for the learner."""

    message: str
    tampered: bool
    """It changed what the grader relies on (else the guard refused something): whatever ran
    since the record was last compared is spoilt too."""


@dataclass(frozen=True)
class Spoilers:
    """What spoils a verdict, as bound methods taken before the student's code ran: patching the
    guard's classes or module afterwards does not change what is called."""

    take_refused: Callable[[], list[str]]
    read_solution: Callable[[], bool]
    changes: Callable[[], list[str]]
    restore: Callable[[], None]

    def find(self, when: str, compare: bool = True) -> Spoiler | None:
        """What the student's code did that spoils the verdict, or None when nothing. The
        record is compared when `compare` says so, and whenever the guard refused something
        (a refusal then fails only its check, for sure)."""
        refused = self.take_refused()
        if compare or refused:
            try:
                changed = self.changes()
            except Exception as error:  # the record itself was tampered with
                changed = [f"(the grader's record: {type(error).__name__})"]
            if changed:
                with contextlib.suppress(Exception):
                    self.restore()
                return Spoiler(messages.tamper_message(changed, when), tampered=True)
        if refused:
            return Spoiler(messages.refusal_message(refused, self.read_solution(), when), False)
        return None


def _afresh(names: tuple[str, ...], folder: Path, import_guard: Callable[[], object],
            loaded: StudentModules) -> StudentModules:
    """The student's modules imported again, for the next check: a check sees them as imported,
    whatever the checks before it did to their state (a dict emptied, a queue of a class filled),
    so that its verdict is the same whichever child runs it and after which checks (children side
    by side share an exercise's checks). Only for modules whose import only defines names
    (`StudentModules.quiet`); should it fail now, the modules loaded before are kept."""
    try:
        return load_student_modules(names, folder, import_guard)  # type: ignore[arg-type]
    except StudentImportFailed:
        return loaded


def _both(first: Callable[[], list[str]], second: Callable[[], list[str]]
          ) -> Callable[[], list[str]]:
    return lambda: first() + second()


def main(argv: list[str] | None = None) -> None:
    parent_lines = ParentLines()
    token = parent_lines.next()
    parser = argparse.ArgumentParser(prog="python -m graders.engine.child")
    parser.add_argument("exercise")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--results-fd", type=int)  # POSIX: an inherited descriptor
    parser.add_argument("--results-handle", type=int)  # Windows: an inherited handle
    parser.add_argument("--max-processes", type=int, default=DEFAULT_MAX_PROCESSES)
    parser.add_argument("--where-fd", type=int)
    parser.add_argument("--reference", action="store_true", help="a solution is graded")
    parser.add_argument("--compare-each", action="store_true",
                        help="compare the record after the import and after every check")
    args = parser.parse_args(argv)
    if args.where_fd is not None and WHERE_SIGNAL is not None:  # asked before a kill: where.py
        with contextlib.suppress(OSError, ValueError, AttributeError):  # a hang then says less
            os.set_blocking(args.where_fd, False)  # a pipe the student's code fills blocks nothing
            faulthandler.register(WHERE_SIGNAL, file=args.where_fd, all_threads=True, chain=False)

    reporter = Writer(results_fd(args.results_fd, args.results_handle), token)
    exercise = find_exercise(args.exercise)
    assert exercise is not None, args.exercise
    suite = importlib.import_module(exercise.suite_name).SUITE
    for name in suite.child_imports:  # before the guard's record is taken
        importlib.import_module(name)
    # Copies: the suite's own list and checks are within reach of the student's code.
    checks = tuple(replace(c) for c in suite.checks)
    import_guard = suite.import_guard or contextlib.nullcontext
    for name in exercise.provided:  # always the pack's copy, never the submission's
        load_module(exercise.exercise_dir / name)

    student_files = [str(args.folder / name) for name in exercise.modules]
    policy = Policy(
        workdir=Path.cwd(), forbidden=_forbidden_folder(args.reference),
        max_processes=args.max_processes, hidden=(PACK_ROOT / "classroom", PACK_ROOT / ".git"),
    )
    guard = Guard(
        policy, lambda: student_files, protected_modules=list(sys.modules),
        on_refusal=lambda entry: reporter.send(Refused(entry)),
    )
    guard.install()
    # Before the import, so that every alias of time.sleep or sys.stdout binds the watched one.
    watched.install(student_files)
    route_standard_output()
    integrity = Integrity.of_loaded_modules(inherited())  # from the fork server's, if any
    stopgaps = Stopgaps(integrity.values(), partial(name_in, integrity.namespaces),
                        guard.own_state)
    gc.freeze()  # the grader's own objects: each check's gc.collect() then looks at new ones only
    # A bound method, taken now: replacing Spoilers.find later changes nothing here.
    find_spoilers = Spoilers(guard.take_refused, lambda: guard.read_solution,
                             _both(integrity.changes, stopgaps.changes), integrity.restore).find

    each = args.compare_each
    when = f"while {exercise.main_module} was being imported"
    try:
        modules = load_student_modules(exercise.modules, args.folder, import_guard)
        spoiler = find_spoilers(when)  # (a grader spoilt there may not even report the import)
        problem = spoiler.message if spoiler else ""
    except StudentImportFailed as failed:
        spoiler = find_spoilers(when)
        problem = spoiler.message if spoiler else str(failed)
    if problem:
        reporter.send(ImportFailed(problem))
        _exit(0)
    reporter.send(Imported())
    # Only now: the student's modules load while the parent still reads the suite and draws.
    scenarios = decode_scenarios(parent_lines.next())

    context = CheckContext(modules=modules, main_file=exercise.main_module)
    verified = _monotonic()
    for ran, index in enumerate(parent_lines.indices(len(checks))):
        reporter.send(Start(index))
        if ran and modules.quiet:  # what the checks before did to the modules' state is undone
            context.modules = _afresh(exercise.modules, args.folder, import_guard, modules)
        result = run_check(checks[index], context, index, scenarios.get(index))
        compare = each or _monotonic() - verified > VERIFY_SECONDS
        spoiler = find_spoilers("during this check", compare=compare)
        if spoiler and spoiler.tampered and not each:  # since when? a child that compares
            reporter.send(Spoilt(spoiler.message))  # after each check finds out
            _exit(0)
        if spoiler:
            result = replace(result, passed=False, failure=Failure(spoiler.message))
        reporter.send(result)
        if spoiler:
            reporter.send(Restart(index + 1))  # this process is spoilt: the next check afresh
            _exit(0)
        if compare and not each:
            reporter.send(Verified())
            verified = _monotonic()
    spoiler = None if each else find_spoilers("while the checks ran")
    if spoiler and spoiler.tampered:  # (a refusal only now, past the last check, blames none)
        reporter.send(Spoilt(spoiler.message))
        _exit(0)
    reporter.send(Finished())
    # Leave at once: atexit hooks and non-daemon threads of the student's code must not hold us.
    _exit(0)


if __name__ == "__main__":
    main()
