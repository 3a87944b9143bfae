"""Command line: `python -m graders check [NN ...] [--submission DIR] [--json FILE]`, and for a
learner `hint NN`, `progress`, `watch [NN]` and `reset NN`. An exercise is named by its number or
its slug: `03`, `3` and `byhand` are the same.

Exit status: 0 when every check of every graded exercise passed, 1 when any failed, 2 when the
call itself was wrong (no such exercise, no such folder).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

if __name__ == "__main__":  # the sandbox's fork server first: its imports overlap with these
    from graders.engine import sandboxserver

    sandboxserver.start_for_command_line(sys.argv[1:])

from graders.engine import forkserver, sandbox
from graders.engine.lanes import in_lanes, lanes_for
from graders.engine.parent import run_grading, share_a_grading
from graders.engine.report import ExerciseReport, report_lines, write_json
from graders.engine.sandboxserver import DEFAULT_SUBMISSION
from graders.kit.checks import Check
from graders.learner import commands as learner
from graders.learner.terminal import COLOUR_MODES, Output
from graders.manifest import (
    PACK_ROOT,
    Exercise,
    find_exercise,
    load_exercises,
    locate_in_submission,
)

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def grade_exercise(
    exercise: Exercise, folder: Path, reference: bool = False,
    on_start: Callable[[Check], object] | None = None, lanes: int = 1,
) -> ExerciseReport:
    """The exercise graded, its checks shared by `lanes` children side by side; `on_start` is
    told of each check as it starts."""
    try:
        grading = run_grading(exercise, None, folder, reference=reference,  # None: the suite's
                              on_start=on_start, lanes=lanes)
    except Exception as error:  # whatever broke, the results (and the results file) still come
        return ExerciseReport.not_judged(
            exercise, f"The grader could not judge this submission: {type(error).__name__}: "
            f"{error}. Nothing of it could be checked, so every check fails.")
    isolation = grading.isolation.describe() if grading.isolation else ""
    return ExerciseReport(exercise, grading.results, isolation)


def graded_in_turn(
    gradings: list[tuple[Exercise, Path]], reference: bool, out: Output
) -> Iterator[ExerciseReport]:
    """Each exercise's report, in order, as soon as it is ready: the exercises are graded in
    lanes, one per core (graders/engine/lanes.py), or a single exercise's checks are shared by
    lanes. On a terminal, `out` shows each check of the exercise the learner waits for (the
    first not yet reported) as it starts."""
    shown = threading.Lock()  # the lanes' running line and this thread's reports, one at a time
    waited_for = [0]

    def job(index: int, exercise: Exercise, folder: Path) -> Callable[[], ExerciseReport]:
        def on_start(check: Check) -> None:
            with shown:
                if waited_for[0] == index:
                    out.running(check.name)

        return lambda: grade_exercise(exercise, folder, reference, on_start, check_lanes)

    lanes = lanes_for(len(gradings), one_server=sandbox.likely() is not None
                      and forkserver.available())
    check_lanes = lanes if len(gradings) == 1 else 1
    jobs = [job(index, *grading) for index, grading in enumerate(gradings)]
    try:
        for index, report in enumerate(in_lanes(jobs, lanes, share_a_grading)):
            with shown:
                out.done_running()
                waited_for[0] = index + 1
            yield report
    finally:
        out.done_running()


def check_command(args: argparse.Namespace) -> int:
    submission: Path = args.submission
    if not submission.is_dir():
        print(f"error: no such folder: {submission}", file=sys.stderr)
        return EXIT_USAGE
    wanted = [number for number in args.exercises if number]  # `make check` passes ""
    if wanted:
        exercises = []
        for number in wanted:
            exercise = exercise_argument(number, submission)
            if exercise is None:
                return EXIT_USAGE
            exercises.append(exercise)
    else:
        exercises = [ex for ex in load_exercises() if locate_in_submission(ex, submission)]
        if not exercises:
            print(f"error: {submission} holds no exercise folder (like 03_byhand/)",
                  file=sys.stderr)
            return EXIT_USAGE

    gradings = []
    for exercise in exercises:
        folder = locate_in_submission(exercise, submission)
        if folder is None:
            print(f"error: {submission} has no folder for exercise {exercise.number} "
                  f"(like {exercise.folder}/)", file=sys.stderr)
            return EXIT_USAGE
        gradings.append((exercise, folder))

    out = Output(args.color)
    reports = []
    for report in graded_in_turn(gradings, args.reference, out):
        reports.append(report)
        # The isolation is said once, below: it is the same for every exercise on one machine.
        out.show_lines(report_lines(replace(report, isolation=""),
                                    only_first_failure=not args.verbose))
    if len(reports) > 1:
        total = sum(r.score for r in reports)
        most = sum(r.max_score for r in reports)
        out.show(f"\nIn all: {total:g}/{most:g} points.")
    for isolation in dict.fromkeys(report.isolation for report in reports if report.isolation):
        out.show(isolation)
    if records_progress(submission):
        learner.record(reports, submission)
    if args.json:
        write_json(reports, args.json)
    return EXIT_PASSED if all(report.passed for report in reports) else EXIT_FAILED


def records_progress(submission: Path) -> bool:
    """Gradings of the learner's own checkout are remembered (for progress and watch); a
    teacher's gradings of other folders are not, unless a state folder is named."""
    same = submission.resolve() == learner.DEFAULT_SUBMISSION.resolve()
    return same or bool(os.environ.get(learner.STATE_DIR_VARIABLE))


def exercise_argument(number: str | None, submission: Path) -> Exercise | None:
    """The exercise named (by number or slug), or the one being worked on; None (after saying
    why) if unknown."""
    if number:
        exercise = find_exercise(number)
        if exercise is None:
            known = ", ".join(ex.label for ex in load_exercises())
            print(f"error: no exercise {number!r}; the pack has {known}", file=sys.stderr)
        return exercise
    exercises = list(load_exercises())
    index = learner.being_worked_on(exercises, submission)
    return exercises[min(index, len(exercises) - 1)]


def hint_command(args: argparse.Namespace) -> int:
    exercise = exercise_argument(args.exercise, args.submission)
    if exercise is None:
        return EXIT_USAGE
    if args.all:
        text = learner.hints_seen(exercise)
    else:
        text = learner.next_hint(exercise, locate_in_submission(exercise, args.submission))
    Output(args.color).show(text)
    return EXIT_PASSED


def progress_command(args: argparse.Namespace) -> int:
    if not args.submission.is_dir():
        print(f"error: no such folder: {args.submission}", file=sys.stderr)
        return EXIT_USAGE
    rows = learner.progress_of(args.submission, grade_exercise)
    Output(args.color).show(learner.render_progress(rows))
    return EXIT_PASSED


def reset_command(args: argparse.Namespace) -> int:
    if not args.exercise:
        print("error: say which exercise to reset: make reset EXERCISE=03", file=sys.stderr)
        return EXIT_USAGE
    exercise = exercise_argument(args.exercise, args.submission)
    if exercise is None:
        return EXIT_USAGE
    folder = locate_in_submission(exercise, args.submission)
    if folder is None:
        print(f"error: {args.submission} has no folder for exercise {exercise.number}",
              file=sys.stderr)
        return EXIT_USAGE
    Output(args.color).show(learner.reset(exercise, folder))
    return EXIT_PASSED


def watch_command(args: argparse.Namespace) -> int:
    submission: Path = args.submission
    out = Output(args.color)
    exercises = [ex for ex in load_exercises() if locate_in_submission(ex, submission)]
    if not exercises:
        print(f"error: {submission} holds no exercise folder", file=sys.stderr)
        return EXIT_USAGE
    if args.exercise:
        chosen = exercise_argument(args.exercise, submission)
        if chosen is None or chosen not in exercises:
            return EXIT_USAGE
        index = exercises.index(chosen)
    else:
        index = learner.being_worked_on(exercises, submission)
    try:
        for exercise in exercises[index:]:
            watch_one(exercise, submission, out, args.poll)
    except KeyboardInterrupt:
        out.show("\nStopped watching. `make watch` goes on where you are.")
        return EXIT_PASSED
    out.show("Every exercise passes. Well done! `make progress` shows the whole way.")
    return EXIT_PASSED


def watch_one(exercise: Exercise, submission: Path, out: Output, poll: float) -> None:
    """Check the exercise at once, then each time a file of it is saved, until it passes."""
    folder = locate_in_submission(exercise, submission)
    assert folder is not None
    waiting = (f"Watching {folder.name}/: save a file to check again. `make hint "
               f"EXERCISE={exercise.number}` for a hint; Ctrl-C to stop.")
    if learner.is_untouched_stub(exercise, folder):
        out.show(f"Next: {exercise.label}, {exercise.title}. Read {folder / 'README.md'}, "
                 f"then edit {folder / exercise.main_module}.")
    before = learner.snapshot(folder)  # taken before grading: a save meanwhile counts
    report = grade_and_show(exercise, folder, submission, out)
    while not report.passed:
        out.show(waiting)
        learner.wait_until_changed(folder, before, poll)
        before = learner.snapshot(folder)
        out.clear()  # only now: the first grading keeps the last exercise's success above it
        report = grade_and_show(exercise, folder, submission, out)
    out.show(f"Compare your code with the pack's solution, solutions/{exercise.folder}/, "
             "if you like.\n")


def grade_and_show(exercise: Exercise, folder: Path, submission: Path, out: Output
                   ) -> ExerciseReport:
    (report,) = graded_in_turn([(exercise, folder)], reference=False, out=out)
    learner.record([report], submission)
    out.show_lines(report_lines(report, only_first_failure=True))
    out.show("Progress: " + learner.progress_bar(learner.progress_of(submission, None)))
    return report


def generate_command(args: argparse.Namespace) -> int:
    from graders import stubs

    if args.check:
        stale = stubs.stale_stubs()
        for path in stale:
            print(f"stale: {path.relative_to(PACK_ROOT)} differs from what its solution "
                  "generates; run `make generate`", file=sys.stderr)
        return EXIT_FAILED if stale else EXIT_PASSED
    for path in stubs.write_stubs():
        print(f"wrote {path.relative_to(PACK_ROOT)}")
    return EXIT_PASSED


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m graders",
        description="Grade the awaitlings exercises, and help a learner through them. An "
                    "exercise is named by its number or its slug (03, 3 or byhand).",
        epilog="Exit status: 0 when every check passed, 1 when any failed, 2 when the call was "
               "wrong. `python -m graders COMMAND --help` says more about each command.")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="grade exercises of a submission")
    check.add_argument("exercises", nargs="*", metavar="NN",
                       help="exercise numbers or slugs (all if none)")
    check.add_argument("--verbose", "-v", action="store_true",
                       help="every failure in full (by default: the first in full, the others in "
                            "one line each)")
    check.add_argument("--submission", type=Path, default=DEFAULT_SUBMISSION, metavar="DIR",
                       help="a folder laid out like exercises/ (default: exercises/)")
    check.add_argument("--json", type=Path, metavar="FILE", help="write a results file")
    check.add_argument("--reference", action="store_true",
                       help="the submission is the pack's solutions/, graded as such (teachers)")
    check.set_defaults(run=check_command)
    hint = commands.add_parser(
        "hint", help="the next hint for the first check that failed, one more each time")
    hint.add_argument("exercise", nargs="?", metavar="NN", help="(default: the current one)")
    hint.add_argument("--all", action="store_true",
                      help="every hint of the exercise shown so far, again")
    hint.set_defaults(run=hint_command)
    progress = commands.add_parser("progress", help="every exercise with its state and score")
    progress.set_defaults(run=progress_command)
    watch = commands.add_parser(
        "watch", help="check the current exercise now and on every save; go on to the next when "
                      "it passes")
    watch.add_argument("exercise", nargs="?", metavar="NN", help="(default: the first not done)")
    watch.add_argument("--poll", type=float, default=0.5, metavar="SECONDS",
                       help="how often to look for saved files")
    watch.set_defaults(run=watch_command)
    reset = commands.add_parser(
        "reset", help="put back an exercise's stub (keeping a copy of your work); its hints "
                      "start afresh")
    reset.add_argument("exercise", nargs="?", metavar="NN")
    reset.set_defaults(run=reset_command)
    for command in (check, hint, progress, watch, reset):
        command.add_argument("--color", "--colour", choices=COLOUR_MODES, default="auto",
                             help="colour the output (auto: on a terminal, unless NO_COLOR)")
        if command is not check:
            command.add_argument("--submission", type=Path, default=learner.DEFAULT_SUBMISSION,
                                 metavar="DIR",
                                 help="a folder laid out like exercises/ (default: exercises/)")
    generate = commands.add_parser(
        "generate", help="write the stubs of exercises/ from solutions/ (maintainers only)"
    )
    generate.add_argument("--check", action="store_true",
                          help="only report stubs that differ from what would be written")
    generate.set_defaults(run=generate_command)
    return main


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if not arguments:  # no command: what the commands are, rather than an error about one
        parser().print_help(sys.stderr)
        return EXIT_USAGE
    args = parser().parse_args(arguments)
    return args.run(args)


def exit_without_teardown(code: int) -> NoReturn:
    """Leave as `sys.exit(code)` would, but without the interpreter's teardown of every module
    and object, which nothing here needs (60 to 70 ms of each `make check` after a grading,
    measured). What must happen still does: the atexit hooks (the fork servers' shutdown) run,
    and the standard streams are flushed."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_without_teardown(main())
