"""Command line: `python -m graders check [NN ...] [--submission DIR] [--json FILE]`.

Exit status: 0 when every check of every graded exercise passed, 1 when any failed, 2 when the
call itself was wrong (no such exercise, no such folder).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from graders.manifest import (
    PACK_ROOT,
    Exercise,
    find_exercise,
    load_exercises,
    locate_in_submission,
)
from graders.report import ExerciseReport, render_text, write_json
from graders.sandbox import grade

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def grade_exercise(exercise: Exercise, folder: Path) -> ExerciseReport:
    checks = importlib.import_module(exercise.suite_name).SUITE.checks
    return ExerciseReport(exercise, grade(exercise, checks, folder))


def check_command(args: argparse.Namespace) -> int:
    submission: Path = args.submission
    if not submission.is_dir():
        print(f"error: no such folder: {submission}", file=sys.stderr)
        return EXIT_USAGE
    wanted = [number for number in args.exercises if number]  # `make check` passes ""
    if wanted:
        exercises = []
        for number in wanted:
            exercise = find_exercise(number)
            if exercise is None:
                known = ", ".join(ex.number for ex in load_exercises())
                print(f"error: no exercise {number!r}; the pack has {known}", file=sys.stderr)
                return EXIT_USAGE
            exercises.append(exercise)
    else:
        exercises = [ex for ex in load_exercises() if locate_in_submission(ex, submission)]
        if not exercises:
            print(f"error: {submission} holds no exercise folder (like 03_byhand/)",
                  file=sys.stderr)
            return EXIT_USAGE

    reports = []
    for exercise in exercises:
        folder = locate_in_submission(exercise, submission)
        if folder is None:
            print(f"error: {submission} has no folder for exercise {exercise.number} "
                  f"(like {exercise.folder}/)", file=sys.stderr)
            return EXIT_USAGE
        report = grade_exercise(exercise, folder)
        reports.append(report)
        print(render_text(report), flush=True)
    if len(reports) > 1:
        total = sum(r.score for r in reports)
        most = sum(r.max_score for r in reports)
        print(f"\nIn all: {total:g}/{most:g} points.")
    if args.json:
        write_json(reports, args.json)
    return EXIT_PASSED if all(report.passed for report in reports) else EXIT_FAILED


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
    main = argparse.ArgumentParser(prog="python -m graders", description=__doc__.split("\n")[0])
    commands = main.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="grade exercises of a submission")
    check.add_argument("exercises", nargs="*", metavar="NN", help="exercise numbers (all if none)")
    check.add_argument("--submission", type=Path, default=PACK_ROOT / "exercises",
                       help="a folder laid out like exercises/ (default: exercises/)")
    check.add_argument("--json", type=Path, metavar="FILE", help="write a results file")
    check.set_defaults(run=check_command)
    generate = commands.add_parser(
        "generate", help="write the stubs of exercises/ from solutions/ (maintainers only)"
    )
    generate.add_argument("--check", action="store_true",
                          help="only report stubs that differ from what would be written")
    generate.set_defaults(run=generate_command)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
