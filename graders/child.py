"""The child process: loads a submission's modules and runs an exercise's checks.

It reports on a pipe that only it and the parent share (not stdout, which the student's code can
write to), one JSON object a line:

    {"event": "imported"}
    {"event": "import_failed", "message": ...}
    {"event": "start", "index": i}
    {"event": "result", "index": i, "passed": ..., "message": ..., "output": ..., "timeline": ...}
    {"event": "finished"}

The parent decides every verdict from these events alone: a check without a result failed.
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
from pathlib import Path
from types import ModuleType

from graders.capture import recording_stdout
from graders.checks import Check, CheckFailed, ImportRefused
from graders.context import CheckContext
from graders.loopback import allow_only_loopback
from graders.manifest import find_exercise
from graders.timeline import printed_picture
from graders.vtime import CoveredTime

_write = os.write  # kept before student code runs, which could replace os.write


class Reporter:
    def __init__(self, fd: int) -> None:
        self._fd = fd

    def send(self, event: str, **fields: object) -> None:
        data = (json.dumps({"event": event, **fields}) + "\n").encode()
        while data:
            written = _write(self._fd, data)
            data = data[written:]


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
        del sys.modules[name]
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
    with warnings.catch_warnings(record=True) as caught, recording_stdout() as printed:
        warnings.simplefilter("always")
        try:
            check.function(context)
            passed, message = True, ""
        except CheckFailed as failure:
            if failure.why is None and check.why:
                failure.why = check.why
            passed, message = False, failure.render()
        except SystemExit as exit_:
            passed, message = False, (
                f"Your code called sys.exit({exit_.code!r}) during this check, which would end "
                "the program. Return a value or raise an exception instead."
            )
        except BaseException as error:  # the check itself met something unexpected
            passed = False
            message = f"This check met {type(error).__name__}: {error}\n{context.where(error)}"
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
        "message": message,
        "output": printed.tail() if not passed else "",
        "timeline": timeline,
        "virtual_seconds": CoveredTime.take(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m graders.child")
    parser.add_argument("exercise")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--results-fd", type=int, required=True)
    args = parser.parse_args(argv)

    reporter = Reporter(args.results_fd)
    exercise = find_exercise(args.exercise)
    assert exercise is not None, args.exercise
    suite = importlib.import_module(exercise.suite_name).SUITE
    checks: list[Check] = suite.checks
    import_guard = suite.import_guard or contextlib.nullcontext
    allow_only_loopback()  # before any student code runs, even at import

    for name in exercise.provided:  # always the pack's copy, never the submission's
        load_module(exercise.exercise_dir / name)
    modules: dict[str, ModuleType] = {}
    for name in exercise.modules:
        path = args.folder / name
        if not path.is_file():
            reporter.send("import_failed", message=f"{name} is missing from {args.folder.name}/.")
            os._exit(0)
        try:
            with recording_stdout() as printed, import_guard():
                modules[name] = load_module(path)
        except BaseException as error:
            reporter.send("import_failed", message=describe_import_error(error, path))
            os._exit(0)
        for line in printed.texts:
            print(line)  # what the module printed on import goes to the parent's output tail
    reporter.send("imported")
    # Everything loaded so far lives to the end: frozen, it is left out of the gc.collect() that
    # ends each check, which then takes microseconds instead of tens of milliseconds.
    gc.collect()
    gc.freeze()

    context = CheckContext(modules=modules, main_file=exercise.main_module)
    for index in range(args.start, len(checks)):
        reporter.send("start", index=index)
        reporter.send("result", index=index, **run_check(checks[index], context))
    reporter.send("finished")
    sys.stdout.flush()
    # Leave at once: atexit hooks and non-daemon threads of the student's code must not hold us.
    os._exit(0)


if __name__ == "__main__":
    main()
