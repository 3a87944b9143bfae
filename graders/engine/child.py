"""The child process: loads a submission's modules and runs an exercise's checks.

It reports on a pipe that only it and the parent share (not stdout, which the student's code can
write to), one JSON object a line, each carrying the run's secret token, which the parent wrote on
the child's stdin and which the child read before any student code ran:

    {"token": ..., "event": "imported"}
    {"token": ..., "event": "import_failed", "message": ...}
    {"token": ..., "event": "start", "index": i}
    {"token": ..., "event": "result", "index": i, "passed": ..., "message": ..., "output": ...,
     "timeline": ...}
    {"token": ..., "event": "refused", "what": ...}  (the guard refused something; see guard.py)
    {"token": ..., "event": "restart", "index": i}   (this child is spoilt: go on in a new one)
    {"token": ..., "event": "finished"}

The parent decides every verdict from these events alone: a check without a result failed. Before
the student's code runs, the child installs the guard (graders/engine/guard.py): an audit hook that
refuses what no solution needs, and a record of the functions the checks rely on, compared after the
import and after every check.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import importlib.util
import json
import os
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from types import ModuleType

from graders.engine.guard import Guard, Integrity, Policy, describe_changes
from graders.engine.processes import results_fd
from graders.engine.stopgaps import Stopgaps, name_in
from graders.kit import watched
from graders.kit.atimport import recording_import_calls
from graders.kit.capture import recording_stdout, route_standard_output
from graders.kit.checks import Check, CheckFailed, ImportRefused
from graders.kit.context import CheckContext
from graders.kit.timeline import printed_picture
from graders.kit.vtime import CoveredTime
from graders.manifest import PACK_ROOT, find_exercise

# Kept before student code runs, which could replace them.
_write = os.write
_getpid = os.getpid
_dumps = json.dumps
_exit = os._exit
MAX_FIELD_CHARS = 8_000
"""A report's text fields are cut to this: a huge repr must not flood the parent."""
DEFAULT_MAX_PROCESSES = 16


class Reporter:
    """Writes events on the results pipe, with the run's token, from this process only."""

    def __init__(self, fd: int, token: str) -> None:
        self._fd = fd
        self._token = token
        self._pid = _getpid()

    def send(self, event: str, **fields: object) -> None:
        if _getpid() != self._pid:
            _exit(0)  # a process the student's code forked never speaks for the grader
        # The token first: the parent skips, unparsed, lines that do not start like this.
        data = (_dumps({"token": self._token, "event": event, **fields}) + "\n").encode()
        while data:
            written = _write(self._fd, data)
            data = data[written:]


def read_token() -> str:
    """The run's secret, the first line on stdin; stdin then reads as empty, as before."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(0, 256)
        if not chunk:
            break
        data += chunk
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    return data.decode().strip()


def clip(text: str, limit: int = MAX_FIELD_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = f"\n[... {len(text) - limit:,} characters cut ...]\n"
    return text[: limit // 2] + cut + text[-limit // 2 :]


def load_module(path: Path) -> ModuleType:
    """Import a file under its own name (byhand.py as `byhand`), as `import byhand` would."""
    name = path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def describe_import_error(error: BaseException, path: Path) -> str:
    if isinstance(error, SyntaxError):
        return (
            f"{path.name} has a syntax error at line {error.lineno}: {error.msg}\n"
            f"  {(error.text or '').strip()}"
        )
    if isinstance(error, SystemExit):
        return (
            f"{path.name} called sys.exit({error.code!r}) while it was being imported. Code at "
            "the top level of a module runs on import: put it under "
            'if __name__ == "__main__":'
        )
    if isinstance(error, ImportRefused):
        lines = [f"{path.name} could not be imported: {error}"]
    else:
        lines = [f"{path.name} raised {type(error).__name__} while it was being imported: {error}"]
    functions = []
    tb = error.__traceback__
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).name == path.name:
            lines.append(f"  at {path.name}:{tb.tb_lineno}")
            functions.append(tb.tb_frame.f_code.co_name)
        tb = tb.tb_next
    if len(functions) > 1:  # the module's top level called its own functions: work at import
        lines.append(
            "Code at the top level of a module runs when it is imported, so the grader ran your "
            "program before it could check anything. Put calls like main() under "
            'if __name__ == "__main__":'
        )
    return "\n".join(lines)


def run_check(check: Check, context: CheckContext) -> dict[str, object]:
    """Run one check; whatever it does, answer with a result."""
    context.timeline = ""
    context.notes = []
    CoveredTime.take()
    raised: BaseException | None = None
    with warnings.catch_warnings(record=True) as caught, recording_stdout() as printed:
        warnings.simplefilter("always")
        try:
            check.function(context)
            passed, message = True, ""
        except CheckFailed as failure:
            if failure.why is None and check.why:
                failure.why = check.why
            passed, message, raised = False, failure.render(), failure
        except SystemExit as exit_:  # an early exit, caught: it fails this check only
            passed, message = False, (
                f"Your code called sys.exit({exit_.code!r}) during this check, which would end "
                "the program. Return a value or raise an exception instead."
            )
        except BaseException as error:  # the check itself met something unexpected
            passed, raised = False, error
            message = f"This check met {type(error).__name__}: {error}\n{context.where(error)}"
        if _ran_out_of_memory(raised):
            context.notes.append(MEMORY_NOTE)
        raised = None
        gc.collect()  # so that coroutines never awaited are noticed now, within this check
    for warning in caught:
        if issubclass(warning.category, RuntimeWarning) and "never awaited" in str(warning.message):
            context.notes.append(f"Python warned: {warning.message}")
    if not passed and context.notes:
        unique_notes = list(dict.fromkeys(context.notes))
        message += "\n" + "\n".join(unique_notes)
        if any("never awaited" in note for note in unique_notes):
            message += "\n(a coroutine that is called but never awaited never runs: add await)"
    timeline = context.timeline
    if not passed and not timeline and "timing" in check.tags:
        timeline = printed_picture(printed.lines)  # a picture for every timing failure
    return {
        "passed": passed,
        "message": clip(message),
        "output": clip(printed.tail()) if not passed else "",
        "timeline": clip(timeline),
        "virtual_seconds": CoveredTime.take(),
    }


MEMORY_NOTE = (
    "Your code ran out of the memory the grader allows (MemoryError). Does something grow "
    "without end: a list, a string, a queue nobody reads?"
)


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


def refusal_message(refused: list[str], read_solution: bool, when: str) -> str:
    if read_solution:
        return (
            f"Your code tried to load the reference solution {when}. That is not allowed: this "
            "submission is flagged, and the check fails. Write the exercise in your own file, "
            "with your own code.\n" + "\n".join(f"  {entry}" for entry in refused)
        )
    return (
        f"Your code tried to do what the grader does not allow {when}:\n"
        + "\n".join(f"  {entry}" for entry in refused)
        + "\nNo solution of this exercise needs that: no programs, no more than a few processes, "
        "no files written outside the grading folder, no network but 127.0.0.1."
    )


def tamper_message(changed: list[str], when: str) -> str:
    return (
        f"Your code replaced what Python or the grader rely on {when}: "
        f"{describe_changes(changed)}. The checks cannot trust what they measure after that, so "
        "this fails. Leave Python's, its libraries' and the grader's functions as they are, and "
        "write your own functions instead."
    )


def load_student_modules(
    exercise_modules: tuple[str, ...],
    folder: Path,
    reporter: Reporter,
    import_guard: Callable[[], contextlib.AbstractContextManager[object]],
) -> dict[str, ModuleType]:
    modules: dict[str, ModuleType] = {}
    for name in exercise_modules:
        path = folder / name
        if not path.is_file():
            reporter.send("import_failed", message=f"{name} is missing from {folder.name}/.")
            _exit(0)
        try:
            with recording_stdout() as printed, import_guard(), recording_import_calls(path):
                modules[name] = load_module(path)
        except BaseException as error:
            raise _ImportFailed(describe_import_error(error, path)) from None
        for line in printed.texts:
            print(line)  # what the module printed on import goes to the parent's output tail
    return modules


class _ImportFailed(Exception):
    pass


@dataclass(frozen=True)
class Spoilers:
    """What spoils a verdict, as bound methods taken before the student's code ran: patching the
    guard's classes or module afterwards does not change what is called."""

    take_refused: Callable[[], list[str]]
    read_solution: Callable[[], bool]
    changes: Callable[[], list[str]]
    restore: Callable[[], None]

    def find(self, when: str) -> str:
        """What the student's code did that spoils the verdict, or "" when nothing."""
        try:
            changed = self.changes()
        except Exception as error:  # the record itself was tampered with
            changed = [f"(the grader's record: {type(error).__name__})"]
        if changed:
            with contextlib.suppress(Exception):
                self.restore()
            return tamper_message(changed, when)
        refused = self.take_refused()
        if refused:
            return refusal_message(refused, self.read_solution(), when)
        return ""


def _both(first: Callable[[], list[str]], second: Callable[[], list[str]]
          ) -> Callable[[], list[str]]:
    return lambda: first() + second()


def main(argv: list[str] | None = None) -> None:
    token = read_token()
    parser = argparse.ArgumentParser(prog="python -m graders.engine.child")
    parser.add_argument("exercise")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--results-fd", type=int)  # POSIX: an inherited descriptor
    parser.add_argument("--results-handle", type=int)  # Windows: an inherited handle
    parser.add_argument("--max-processes", type=int, default=DEFAULT_MAX_PROCESSES)
    parser.add_argument("--reference", action="store_true", help="a solution is graded")
    args = parser.parse_args(argv)

    reporter = Reporter(results_fd(args.results_fd, args.results_handle), token)
    exercise = find_exercise(args.exercise)
    assert exercise is not None, args.exercise
    suite = importlib.import_module(exercise.suite_name).SUITE
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
        on_refusal=lambda entry: reporter.send("refused", what=entry),
    )
    guard.install()
    # Before the import, so that every alias of time.sleep or sys.stdout binds the watched one.
    watched.install(student_files)
    route_standard_output()
    integrity = Integrity.of_loaded_modules()
    stopgaps = Stopgaps(integrity.values(), partial(name_in, integrity.namespaces),
                        guard.own_state)
    gc.freeze()  # the grader's own objects: each check's gc.collect() then looks at new ones only
    # A bound method, taken now: replacing Spoilers.find later changes nothing here.
    find_spoilers = Spoilers(guard.take_refused, lambda: guard.read_solution,
                             _both(integrity.changes, stopgaps.changes), integrity.restore).find

    when = f"while {exercise.main_module} was being imported"
    try:
        modules = load_student_modules(exercise.modules, args.folder, reporter, import_guard)
        problem = find_spoilers(when)
    except _ImportFailed as failed:
        problem = find_spoilers(when) or str(failed)
    if problem:
        reporter.send("import_failed", message=problem)
        _exit(0)
    reporter.send("imported")

    context = CheckContext(modules=modules, main_file=exercise.main_module)
    for index in range(args.start, len(checks)):
        reporter.send("start", index=index)
        result = run_check(checks[index], context)
        problem = find_spoilers("during this check")
        if problem:
            result = {**result, "passed": False, "message": clip(problem)}
        reporter.send("result", index=index, **result)
        if problem and index + 1 < len(checks):
            reporter.send("restart", index=index + 1)  # this process is spoilt: start afresh
            _exit(0)
    reporter.send("finished")
    # Leave at once: atexit hooks and non-daemon threads of the student's code must not hold us.
    _exit(0)


if __name__ == "__main__":
    main()
