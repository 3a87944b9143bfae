"""Inside a Jupyter kernel: what the notebooks of the nbgrader course (graders.teachers.nbcourse)
call.

`%load_ext graders.teachers.notebook` adds the notebook's commands, the same as the terminal's:

- `%%module byhand.py` (cell magic): the cell is saved as byhand.py beside the notebook (that file
  is what gets graded) and then run as the module `byhand`, whose names are copied into the
  notebook so that later cells can try them;
- `%exercise 03`: which exercise the other commands mean (the notebook's setup cell says it);
- `%check`: the grader's report on the saved modules (`make check EXERCISE=03`);
- `%hint`: the next hint, one more each time (`make hint EXERCISE=03`), for the first check that
  failed when the module was last graded; `%hint --all` shows again the hints seen;
- `%run_main`: the saved module run as a program, in a process of its own, as
  `python exercises/03_byhand/byhand.py` does (a server runs until the cell is interrupted);
- `%farm [--port N] [--delay S]`, `%farm stop`: the slow animals farm in a process of its own
  (`make farm`), for the clients of 01 and 05.

A test cell calls `check("03", "overlaps_sleeps")`, naming the check by its id (`Check.id`), so
that rewording a check's sentence leaves the notebooks' cells as they are. The grader runs as it
always does, `python -m graders check`, outside the kernel (answered by the warm grader that the
kernels share, graders/teachers/gradingservice.py, else in a child process of the kernel), so
virtual time, the blocking checks and the wall-clock limits all apply, and the kernel's own
running event loop is never involved.
The saved modules are graded once per version of their text; every test cell then reads its own
check. A failed timing check shows its picture of time as HTML too (`timeline_html`), which the
formgrader shows as well.

The kernel's own event loop is protected from the student's code (`protect_kernel_loop`): the
tutorial's `stop_in` stops "the running loop", which in a notebook is the kernel's; stopped, the
kernel dies, and nbgrader scores the whole notebook 0. The loop's `stop` is refused (with a message
on stdout) unless the kernel itself asks for it, through tornado's IOLoop.stop.

Nothing here writes to stderr: nbgrader scores 0 any test cell that wrote to stderr, even when the
check passed, so the grader's output is captured, and "never awaited" warnings left over from the
student's experiments are collected quietly before grading.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import hashlib
import html
import io
import json
import os
import shlex
import subprocess
import sys
import tempfile
import types
import warnings
from pathlib import Path
from typing import Any

from graders.learner import STATE_DIR_VARIABLE
from graders.manifest import Exercise, find_exercise
from graders.teachers import gradingservice
from graders.teachers.nbcourse import notebook_words

GRADER_SECONDS = 120.0
"""Wall time allowed to the grader (it stops itself within one minute per exercise)."""

_results_by_version: dict[str, dict[str, Any]] = {}
_current: dict[str, Any] = {"exercise": None, "farm": None}
"""The notebook's exercise (`%exercise`) and the farm it started (`%farm`)."""

LOOP_STOP_REFUSED = """\
Your code called stop() on the notebook's own event loop, the one `await` runs on in this
notebook. Stopped, it would end the notebook's kernel (and, when your work is graded, every check
of this notebook with it), so it was left running and your code went on.
The grader runs your code on a loop of its own, where stopping it is right. To watch it here, run
your module as a program with `%run_main`: its `if __name__ == "__main__":` part makes its own loop.
"""


class CheckNotPassed(AssertionError):
    """A check failed; IPython shows just the grader's message instead of a traceback."""

    def _render_traceback_(self) -> list[str]:
        return str(self).splitlines()


def check(number: str, check_id: str) -> None:
    """Pass quietly (printing a line) when the grader's check `check_id` passed, else raise."""
    exercise = find_exercise(number)
    if exercise is None:
        raise CheckNotPassed(f"The pack has no exercise {number}.")
    names = {check.id: check.name for check in exercise.checks()}
    name = names.get(check_id)
    if name is None:
        raise CheckNotPassed(f"The grader has no check {check_id!r} for {exercise.label}; its "
                             f"checks are {', '.join(names)}: is this notebook older than the "
                             "pack?")
    results = _grade_saved_modules(exercise, Path.cwd())
    wanted = f"{exercise.label}: {name}"
    test = next((t for t in results.get("tests", ()) if t["name"] == wanted), None)
    if test is None:
        raise CheckNotPassed(
            f"The grader gave no result for {name!r} of {exercise.label}; "
            f"it answered:\n{results.get('output', '')}"
        )
    points = f"{test['score']:g}/{test['max_score']:g} points"
    if test["status"] == "passed":
        print(f"✓ {name} ({points})")
        return
    output = notebook_words(test["output"])
    timeline = test.get("timeline", "")
    if timeline and timeline.strip() in output:
        _display_html(timeline_html(timeline), plain=timeline)
        output = output.replace(timeline.strip(), "(the picture of time is above)")
    raise CheckNotPassed(f"✗ {name} ({points})\n{output}")


# The picture of a timing failure


GLYPH_STYLES = {
    "█": ("run", "background:#1f5fa8;color:#1f5fa8"),
    "░": ("wait", "background:#b9d3ee;color:#b9d3ee"),
    "▒": ("late", "background:#e8963a;color:#e8963a"),
}
"""The timeline's glyphs (graders.kit.timeline.GLYPHS) as coloured cells: running, waiting as
asked, ready but not resumed."""


def timeline_html(picture: str) -> str:
    """The grader's text picture of time as HTML: the same rows and scale, each glyph a coloured
    cell, so that it reads as a chart in the notebook and in the formgrader alike. The glyphs stay
    in the text (coloured over), so copying the picture copies the text one."""
    cells: list[str] = []
    for char in picture.rstrip("\n"):
        style = GLYPH_STYLES.get(char)
        escaped = html.escape(char)
        cells.append(f'<span class="{style[0]}" style="{style[1]}">{escaped}</span>'
                     if style else escaped)
    return ('<pre class="awaitlings-timeline" style="font-family:monospace;line-height:1.25;'
            'padding:0.5em;border:1px solid #ccc">' + "".join(cells) + "</pre>")


def _display_html(markup: str, plain: str) -> None:
    from IPython.display import display

    display({"text/html": markup, "text/plain": plain}, raw=True)


# Grading the saved modules


def _grade_saved_modules(exercise: Exercise, folder: Path) -> dict[str, Any]:
    files = {
        name: (folder / name).read_bytes()
        for name in exercise.modules
        if (folder / name).is_file()
    }
    version = hashlib.sha256(
        repr((exercise.number, sorted(files.items()))).encode()
    ).hexdigest()
    if version not in _results_by_version:
        _collect_leftovers_quietly()
        _results_by_version[version] = _run_grader(exercise, files)
    return _results_by_version[version]


def _collect_leftovers_quietly() -> None:
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        gc.collect()


def _run_grader(exercise: Exercise, files: dict[str, bytes]) -> dict[str, Any]:
    """The results of `python -m graders check NN --json` on `files`: from the warm grader the
    kernels share (graders/teachers/gradingservice.py), else from the grader run here as a
    subprocess."""
    try:
        served = gradingservice.graded_by_service(exercise.number, files, state_dir(),
                                                  GRADER_SECONDS)
    except gradingservice.GraderTimedOut:
        return _timed_out()
    return served if served is not None else _run_grader_subprocess(exercise, files)


def _timed_out() -> dict[str, Any]:
    return {"output": f"The grader did not finish within {GRADER_SECONDS:.0f} s.", "tests": []}


def _run_grader_subprocess(exercise: Exercise, files: dict[str, bytes]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="awaitlings-nb-") as workdir:
        submission = Path(workdir) / "submission"
        (submission / exercise.folder).mkdir(parents=True)
        for name, data in files.items():
            (submission / exercise.folder / name).write_bytes(data)
        results_path = Path(workdir) / "results.json"
        command = [
            sys.executable, "-m", "graders", "check", exercise.number,
            "--submission", str(submission), "--json", str(results_path),
        ]
        # The grading is remembered beside the notebook, for %hint to follow its first failure.
        env = {**os.environ, STATE_DIR_VARIABLE: state_dir()}
        try:
            finished = subprocess.run(
                command, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                timeout=GRADER_SECONDS, cwd=workdir, env=env,
            )
        except subprocess.TimeoutExpired:
            return _timed_out()
        if not results_path.is_file():
            return {"output": f"The grader could not run:\n{finished.stdout}{finished.stderr}",
                    "tests": []}
        return json.loads(results_path.read_text(encoding="utf-8"))


def save_and_run_module(name: str, source: str, namespace: dict[str, Any]) -> None:
    """Save `source` as the file `name` in the current folder, then run it as that module."""
    path = Path(name)
    path.write_text(source, encoding="utf-8")
    module = types.ModuleType(path.stem)
    module.__file__ = str(path.resolve())
    sys.modules[path.stem] = module
    exec(compile(source, str(path), "exec"), module.__dict__)  # the student's own module
    namespace.update(
        (key, value) for key, value in vars(module).items() if not key.startswith("__")
    )


# The notebook's commands


def current_exercise(line: str = "") -> Exercise:
    number = line.strip() or _current["exercise"]
    exercise = find_exercise(number) if number else None
    if exercise is None:
        raise ValueError(f"no exercise {number!r}: run the notebook's first cells "
                         "(`%exercise NN` says which exercise this notebook is)")
    return exercise


def report_text(exercise: Exercise) -> str:
    """`%check`: the grader's report on the saved modules, as `make check` prints it."""
    results = _grade_saved_modules(exercise, Path.cwd())
    lines = [notebook_words(results.get("output", ""))]
    for test in results.get("tests", ()):
        mark = "✓" if test["status"] == "passed" else "✗"
        lines.append(f"  {mark} {test['name']} ({test['score']:g}/{test['max_score']:g})")
        if test["status"] != "passed":
            lines.append("      " + notebook_words(test["output"]).replace("\n", "\n      "))
    return "\n".join(lines)


def state_dir() -> str:
    """Where the notebook's gradings and hints are remembered: `.awaitlings/` beside the notebook
    (the pack itself may be installed where a student cannot write), unless the environment names
    a place."""
    return os.environ.get(STATE_DIR_VARIABLE) or str(Path.cwd() / ".awaitlings")


def hint_text(exercise: Exercise, show_all: bool = False) -> str:
    """`%hint`: the next hint for the first check that failed when the module was last graded
    (`%check` or a test cell); `%hint --all`: the hints seen so far, again."""
    from graders.learner.commands import hints_seen, next_hint

    with gradingservice.environment(STATE_DIR_VARIABLE, state_dir()):
        text = hints_seen(exercise) if show_all else next_hint(exercise, Path.cwd())
    return notebook_words(text)


def run_main(exercise: Exercise) -> int:
    """`%run_main`: the saved main module as a program, its output shown as it comes; an
    interrupted cell stops it."""
    path = Path.cwd() / exercise.main_module
    if not path.is_file():
        print(f"{exercise.main_module} is not saved yet: run its %%module cell first.")
        return 2
    process = subprocess.Popen([sys.executable, "-u", str(path)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
                               cwd=path.parent)
    try:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
        return process.wait()
    except KeyboardInterrupt:
        print(f"(stopped {exercise.main_module})")
        return 130
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


FARM_PARSER = argparse.ArgumentParser(prog="%farm", add_help=False)
FARM_PARSER.add_argument("action", nargs="?", choices=("start", "stop"), default="start")
FARM_PARSER.add_argument("--port", type=int, default=8080)
FARM_PARSER.add_argument("--delay", type=float, default=5)


def farm(line: str) -> str:
    """`%farm [--port N] [--delay S]` starts the farm in a process of its own, which lives until
    `%farm stop` or the kernel's end; `make farm` in a notebook."""
    args = FARM_PARSER.parse_args(shlex.split(line))
    running: subprocess.Popen | None = _current["farm"]
    if running is not None and running.poll() is None:
        if args.action == "start":
            return "The farm is already open; `%farm stop` closes it."
        running.terminate()
        running.wait(timeout=10)
        _current["farm"] = None
        return "The farm is closed."
    if args.action == "stop":
        return "No farm is open."
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "graders.farm.service",
         "--port", str(args.port), "--delay", f"{args.delay:g}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()  # "The farm is open on ..." or why it is not
    if process.poll() is not None:
        return "The farm did not open:\n" + first + process.stdout.read()
    _current["farm"] = process
    return first.strip().replace("Ctrl-C closes it", "`%farm stop` closes it")


# The kernel's event loop


def _kernel_stoppers() -> set[types.CodeType]:
    """The code that may stop the kernel's loop: the kernel stops it through tornado's IOLoop, and
    run_until_complete stops the loop it ran once its future is done."""
    from asyncio import base_events

    stoppers = {base_events._run_until_complete_cb.__code__}
    with contextlib.suppress(ImportError):
        from tornado.platform.asyncio import BaseAsyncIOLoop

        stoppers.add(BaseAsyncIOLoop.stop.__code__)
    return stoppers


def protect_kernel_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Refuse `loop.stop()` from anybody but the kernel itself (see the module's docstring)."""
    if getattr(loop.stop, "protects_kernel_loop", False):
        return
    real_stop = loop.stop
    allowed = _kernel_stoppers()

    def stop() -> None:
        if sys._getframe(1).f_code in allowed:
            real_stop()
        else:
            print(LOOP_STOP_REFUSED, end="", flush=True)

    stop.protects_kernel_loop = True  # type: ignore[attr-defined]
    loop.stop = stop  # type: ignore[method-assign]


def _kernel_loop(ipython: Any) -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        io_loop = getattr(getattr(ipython, "kernel", None), "io_loop", None)
        return getattr(io_loop, "asyncio_loop", None)


def load_ipython_extension(ipython: Any) -> None:
    loop = _kernel_loop(ipython)
    if loop is not None:
        protect_kernel_loop(loop)

    def module_magic(line: str, cell: str) -> None:
        name = line.strip()
        if not name.endswith(".py"):
            raise ValueError("usage: %%module name.py")
        save_and_run_module(name, cell, ipython.user_ns)

    def exercise_magic(line: str) -> None:
        _current["exercise"] = current_exercise(line).number

    def check_magic(line: str) -> None:
        print(report_text(current_exercise(line)))

    def hint_magic(line: str) -> None:
        words = line.split()
        show_all = "--all" in words
        print(hint_text(current_exercise(" ".join(w for w in words if w != "--all")), show_all))

    def run_main_magic(line: str) -> None:
        run_main(current_exercise(line))

    def farm_magic(line: str) -> None:
        print(farm(line))

    ipython.register_magic_function(module_magic, magic_kind="cell", magic_name="module")
    for name, function in (("exercise", exercise_magic), ("check", check_magic),
                           ("hint", hint_magic), ("run_main", run_main_magic),
                           ("farm", farm_magic)):
        ipython.register_magic_function(function, magic_kind="line", magic_name=name)
