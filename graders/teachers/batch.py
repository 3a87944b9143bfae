"""`python -m graders.teachers.batch SUBMISSIONS --out DIR`: grade a whole class on one machine.

SUBMISSIONS holds a folder per student (its name is the student's), in any shape
graders.teachers.layout understands. Every (student, exercise) pair is graded in a pool of worker
processes, one per core; each grading still runs the student's code in its own sandboxed child, so a
broken submission fails its own checks and the batch goes on. Where bubblewrap works, each worker
forks its children in one sandbox of its own (graders/engine/sandboxserver.py), each child closed
in by Landlock to its own upload. It writes:

    DIR/grades.csv               student, exercise, score, max_score: one row per pair
    DIR/results/<student>.json   that student's results, in the grader's results format

The exercises graded are those given with --exercises, or else every exercise of the pack that
at least one student handed in; a student who did not hand one in scores 0 on it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from graders.engine import sandboxserver
from graders.engine.parent import run_grading
from graders.engine.report import ExerciseReport, results_json
from graders.manifest import Exercise, find_exercise, load_exercises
from graders.teachers.layout import UploadRefused, find_modules, lay_out


@dataclass(frozen=True)
class Job:
    student: str
    upload: Path
    exercise: Exercise


def students_in(submissions: Path) -> dict[str, Path]:
    return {
        path.name: path for path in sorted(submissions.iterdir())
        if path.is_dir() and not path.name.startswith((".", "_"))
    }


def handed_in(students: dict[str, Path]) -> list[Exercise]:
    return [
        exercise for exercise in load_exercises()
        if any(find_modules(exercise, upload) for upload in students.values())
    ]


def grade_job(job: Job, root: Path | None = None) -> ExerciseReport:
    """One student's exercise, laid out in a folder of its own (under the batch's `root`);
    whatever goes wrong becomes failed checks, never an exception."""
    checks = job.exercise.checks()
    try:
        with tempfile.TemporaryDirectory(prefix="awaitlings-batch-", dir=root) as workdir:
            lay_out([job.exercise], job.upload, Path(workdir))
            grading = run_grading(job.exercise, checks, Path(workdir) / job.exercise.folder)
    except UploadRefused as refused:
        return ExerciseReport.not_judged(job.exercise, str(refused))
    except Exception as error:  # the batch must carry on past anything
        return ExerciseReport.not_judged(
            job.exercise, f"This submission could not be graded: {type(error).__name__}: {error}")
    isolation = grading.isolation.describe() if grading.isolation else ""
    return ExerciseReport(job.exercise, grading.results, isolation)


def grade_all(submissions: Path, out: Path, exercises: list[Exercise] | None = None,
              workers: int | None = None) -> list[tuple[str, ExerciseReport]]:
    students = students_in(submissions)
    exercises = exercises if exercises is not None else handed_in(students)
    jobs = [Job(student, upload, exercise)
            for student, upload in students.items() for exercise in exercises]
    # Every upload is laid out under one root, with a name that says nothing of its student: a
    # worker's sandbox shows the root, and each child, closed in by Landlock, reads only its own
    # folder of it (graders/engine/sandboxserver.py; without Landlock, a sandbox per upload).
    with tempfile.TemporaryDirectory(prefix="awaitlings-batch-") as folder, ProcessPoolExecutor(
        max_workers=workers or os.cpu_count() or 1, initializer=sandboxserver.serve_under,
        initargs=(Path(folder),),
    ) as pool:
        reports = list(pool.map(partial(grade_job, root=Path(folder)), jobs))
    graded = [(job.student, report) for job, report in zip(jobs, reports, strict=True)]
    write_gradebook(graded, out)
    return graded


def write_gradebook(graded: list[tuple[str, ExerciseReport]], out: Path) -> None:
    (out / "results").mkdir(parents=True, exist_ok=True)
    with (out / "grades.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["student", "exercise", "score", "max_score"])
        for student, report in graded:
            writer.writerow([student, report.exercise.folder, f"{report.score:g}",
                             f"{report.max_score:g}"])
    by_student: dict[str, list[ExerciseReport]] = {}
    for student, report in graded:
        by_student.setdefault(student, []).append(report)
    for student, reports in by_student.items():
        path = out / "results" / f"{student}.json"
        path.write_text(json.dumps(results_json(reports), indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graders.teachers.batch",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("submissions", type=Path, help="a folder with a folder per student")
    parser.add_argument("--out", type=Path, required=True, help="where to write the gradebook")
    parser.add_argument("--exercises", nargs="*", metavar="NN", default=None,
                        help="exercises to grade (default: every one somebody handed in)")
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        print(f"error: no such folder: {args.submissions}", file=sys.stderr)
        return 2
    exercises = None
    if args.exercises:
        exercises = [find_exercise(number) for number in args.exercises]
        if None in exercises:
            print(f"error: unknown exercise among {args.exercises}", file=sys.stderr)
            return 2
    started = time.monotonic()
    graded = grade_all(args.submissions, args.out, exercises, args.workers)  # type: ignore[arg-type]
    seconds = time.monotonic() - started
    students = len({student for student, _ in graded})
    print(f"Graded {len(graded)} submissions ({students} students) in {seconds:.1f} s; "
          f"wrote {args.out / 'grades.csv'} and {args.out / 'results'}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
