"""`python -m graders.teachers.batch SUBMISSIONS --out DIR`: grade a whole class on one machine.

SUBMISSIONS holds a folder per student (its name is the student's), in any shape
graders.teachers.layout understands. Every (student, exercise) pair is graded in a pool of worker
processes, a grading at once per core to begin with, more while the cores are left idle (checks
that wait on real time: 01's farm, 02's threaded kitchen), up to MAX_PER_CORE; each grading still
runs the student's code in its own sandboxed child, so a broken submission fails its own checks and
the batch goes on. Where bubblewrap works, each worker
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
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from graders.engine import sandboxserver
from graders.engine.parent import run_grading
from graders.engine.report import ExerciseReport, results_json
from graders.manifest import Exercise, find_exercise, load_exercises
from graders.teachers.layout import UploadRefused, find_modules, lay_out

MAX_PER_CORE = 2
"""Gradings at once per core, at most: each holds a worker, its sandboxed server and a child
(110 to 130 MB together, measured), and past this the waits of real-time checks are covered."""
IDLE_TO_WIDEN = 0.15
"""Share of the machine's CPU left idle over a stretch above which one more grading runs at once."""
BUSY_TO_NARROW = 0.03
"""Share left idle under which one fewer runs (no fewer than one per core): the cores are full,
and more at once would only stretch each grading's real time."""
IDLE_SAMPLE_SECONDS = 1.0
"""The shortest stretch the idle share is read over: a grading takes a fraction of a second."""


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
    cores = os.cpu_count() or 1
    narrowest, widest = (workers, workers) if workers else (cores, cores * MAX_PER_CORE)
    with tempfile.TemporaryDirectory(prefix="awaitlings-batch-") as folder, ProcessPoolExecutor(
        max_workers=widest, initializer=sandboxserver.serve_under, initargs=(Path(folder),),
    ) as pool:
        reports = graded_in_order(pool.submit, partial(grade_job, root=Path(folder)), jobs,
                                  narrowest, widest)
    graded = [(job.student, report) for job, report in zip(jobs, reports, strict=True)]
    write_gradebook(graded, out)
    return graded


def graded_in_order(
    submit: Callable[..., Future], grade: Callable[[Job], ExerciseReport], jobs: list[Job],
    narrowest: int, widest: int, idle: Callable[[], float | None] | None = None,
) -> list[ExerciseReport]:
    """Every job's report, in the jobs' order, with `narrowest` gradings at once to begin with,
    one more whenever the machine's CPU was left idle meanwhile (`idle`, the share since its last
    reading), one fewer when it was full, never more than `widest`."""
    idle = idle or IdleShare().since_last
    reports: dict[int, ExerciseReport] = {}
    running: dict[Future, int] = {}
    waiting = iter(enumerate(jobs))
    width = narrowest
    while True:
        while len(running) < width and (job := next(waiting, None)) is not None:
            running[submit(grade, job[1])] = job[0]
        if not running:
            return [reports[index] for index in range(len(jobs))]
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            reports[running.pop(future)] = future.result()
        width = next_width(width, idle(), narrowest, widest)


def next_width(width: int, idle: float | None, narrowest: int, widest: int) -> int:
    """How many gradings to run at once next, given the share of CPU left idle (None: unknown
    yet, or where the system does not say)."""
    if idle is not None and idle > IDLE_TO_WIDEN and width < widest:
        return width + 1
    if idle is not None and idle < BUSY_TO_NARROW and width > narrowest:
        return width - 1
    return width


class IdleShare:
    """The share of the machine's CPU time spent idle, from Linux's /proc/stat."""

    def __init__(self, stat: Path = Path("/proc/stat")) -> None:
        self._stat = stat
        self._last = self._read()
        self._read_at = time.monotonic()

    def _read(self) -> tuple[int, int] | None:
        """Idle (idle and iowait) and total jiffies of all CPUs; None where not known."""
        try:
            first = self._stat.read_text().split("\n", 1)[0].split()
        except OSError:
            return None
        if first[:1] != ["cpu"] or len(first) < 6:
            return None
        counts = [int(count) for count in first[1:]]
        return counts[3] + counts[4], sum(counts)

    def since_last(self) -> float | None:
        """The idle share since the last reading, once IDLE_SAMPLE_SECONDS have passed, else
        None."""
        if self._last is None or time.monotonic() - self._read_at < IDLE_SAMPLE_SECONDS:
            return None
        now = self._read()
        if now is None:
            return None
        (idle_before, total_before), self._last = self._last, now
        self._read_at = time.monotonic()
        total = now[1] - total_before
        return (now[0] - idle_before) / total if total > 0 else None


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
    parser.add_argument("--workers", type=int, default=None,
                        help="gradings at once (default: one per core, more while cores are "
                        f"left idle, up to {MAX_PER_CORE} per core)")
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
