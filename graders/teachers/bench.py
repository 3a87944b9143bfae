"""`make bench`: how fast grading is, and whether its verdicts hold under load.

1. Wall seconds of `make check EXERCISE=NN` on each reference solution (the median of a few runs,
   once .venv is set up), beside the virtual seconds its checks covered.
2. The same for every exercise in one `make check`.
3. Classroom scale: `grade-all` of 100 submissions of one exercise, and one `nbgrader autograde`
   of a student who hands in every exercise (when the classroom tools are installed).
4. The same verdicts, check by check, in repeated runs while both cores are kept busy by other
   processes: the solution and every wrong variant of tests/variants, graded again and again,
   every other time with two children sharing the checks.
5. What the bubblewrap sandbox costs: `python -m graders check NN` on each solution with the
   sandbox and with the guard alone, runs interleaved so that the machine's load hits both alike.

Every wall figure is printed with its ratio to the import floor: one `python -c "import aiohttp,
requests, blockbuster, looptime"`, measured beside it, so that a figure taken on a loaded machine
can still be compared. A profile ends the report: where one grading's process spends its imports
(`-X importtime`, the largest by cumulative time).

It measures; it asserts nothing. The targets are in the issues; the figures go in the notes.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from graders.engine import sandbox
from graders.engine.parent import grade, run_grading
from graders.manifest import PACK_ROOT, Exercise, find_exercise, load_exercises

VARIANTS = PACK_ROOT / "tests" / "variants"


def timed_make_check(exercise: str | None, submission: Path) -> float:
    command = ["make", "--no-print-directory", "-C", str(PACK_ROOT), "check",
               f"SUBMISSION={submission}"]
    if exercise:
        command.append(f"EXERCISE={exercise}")
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    return time.perf_counter() - started


FLOOR_IMPORTS = "import aiohttp, requests, blockbuster, looptime"


def import_floor(repeat: int) -> float:
    """Median wall seconds of one interpreter importing the stack every grading needs."""
    walls = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", FLOOR_IMPORTS], capture_output=True, check=False)
        walls.append(time.perf_counter() - started)
    return statistics.median(walls)


def import_profile(exercise: Exercise, submission: Path, top: int = 8) -> list[str]:
    """The imports that take longest in the process of one `python -m graders check NN`."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "graders", "check", exercise.number,
         "--submission", str(submission)], capture_output=True, text=True, cwd=PACK_ROOT,
        check=False,
    )
    rows = []
    for line in run.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2].rstrip()
        if not name.startswith("  "):  # top-level imports only: their time holds their own
            rows.append((int(parts[1]), name.strip()))
    rows.sort(reverse=True)
    return [f"  {micros / 1e6:6.3f} s  {name}" for micros, name in rows[:top]]


def covered_virtual_seconds(exercise: Exercise, folder: Path) -> float:
    checks = exercise.checks()
    return sum(result.virtual_seconds for result in grade(exercise, checks, folder))


def solutions_submission(root: Path) -> Path:
    """A submission holding every reference solution, plus the files the pack provides."""
    for exercise in load_exercises():
        shutil.copytree(exercise.solution_dir, root / exercise.folder)
    return root


def wrong_variants(exercise: Exercise) -> list[tuple[str, str]]:
    """Each wrong variant of tests/variants/NN_slug/ (see tests/test_variants.py): its file, and
    the module it makes."""
    listing = VARIANTS / exercise.folder / "variants.toml"
    if not listing.is_file():
        return []
    solution = (exercise.solution_dir / exercise.main_module).read_text()
    found = []
    for stem, entry in tomllib.loads(listing.read_text()).items():
        if entry["expect"] != "fail":
            continue
        text = (listing.parent / f"{stem}.py").read_text()
        found.append((f"{exercise.folder}/{stem}.py", text if entry.get("base") == "none"
                      else solution + "\n\n" + text))
    return found


def verdicts(exercise: Exercise, folder: Path, lanes: int = 1) -> tuple[bool, ...]:
    """Each check's verdict, its checks shared by `lanes` children side by side."""
    checks = exercise.checks()
    return tuple(result.passed for result in run_grading(exercise, checks, folder,
                                                         lanes=lanes).results)


def flipped(exercise: Exercise, seen: set[tuple[bool, ...]]) -> list[str]:
    """The ids of the checks whose verdict was not the same in every run: where to look."""
    ids = [check.id for check in exercise.checks()]
    return [ids[index] for index, verdict in enumerate(zip(*seen, strict=True))
            if len(set(verdict)) > 1]


def timed_grade_all(root: Path, count: int, exercise: Exercise) -> float:
    """Wall seconds of `python -m graders.teachers.batch` over `count` students handing in the
    solution."""
    class_dir = root / "class"
    for index in range(count):
        shutil.copytree(exercise.solution_dir, class_dir / f"student{index:03d}" / exercise.folder)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "graders.teachers.batch", str(class_dir),
         "--out", str(root / "grades"), "--exercises", exercise.number],
        capture_output=True, check=True, cwd=PACK_ROOT,
    )
    return time.perf_counter() - started


def timed_nbgrader_autograde(root: Path) -> float | None:
    """Wall seconds of one `nbgrader autograde` of a student who hands in every solution."""
    try:
        import nbformat
    except ImportError:
        return None
    from graders.teachers import classroom, nbcourse

    course = root / "course"
    shutil.copytree(classroom.COURSE_DIR, course)
    # nbgrader runs alembic as a program: the environment's bin must be on PATH.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}

    def nbgrader(*args: str) -> None:
        subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                       capture_output=True, check=True)

    nbgrader("generate_assignment", "*", "--force")
    for exercise in load_exercises():
        released = course / "release" / exercise.folder
        notebook = nbformat.read(released / f"{exercise.folder}.ipynb", as_version=4)
        for cell in notebook.cells:
            first = cell.source.partition("\n")[0]
            if cell.cell_type == "code" and first.startswith("%%module "):
                module = first.split()[1]
                solution = (exercise.solution_dir / module).read_text()
                cell.source = nbcourse.module_cell_source(module, solution)
        handed_in = course / "submitted" / "student" / exercise.folder
        shutil.copytree(released, handed_in)
        nbformat.write(notebook, handed_in / f"{exercise.folder}.ipynb")
    started = time.perf_counter()
    nbgrader("autograde", "*", "--student", "student")
    return time.perf_counter() - started


def burn(stop_at: float) -> None:
    while time.monotonic() < stop_at:
        pass


def stability(runs: int, variant_runs: int, root: Path) -> list[str]:
    """Grade each solution `runs` times and each wrong variant `variant_runs` times, with every
    core kept busy by a process that spins; every other run has two children share the
    checks (graders/engine/lanes.py)."""
    cases: list[tuple[Exercise, str, Path, int]] = []
    for exercise in load_exercises():
        cases.append((exercise, "solution", root / "solutions" / exercise.folder, runs))
        for name, text in wrong_variants(exercise):
            folder = root / "variants" / name.replace("/", "_") / exercise.folder
            folder.mkdir(parents=True)
            (folder / exercise.main_module).write_text(text)
            for other in exercise.modules[1:]:
                shutil.copy(exercise.solution_dir / other, folder / other)
            cases.append((exercise, name, folder, variant_runs))
    burners = [multiprocessing.Process(target=burn, args=(time.monotonic() + 3600,))
               for _ in range(os.cpu_count() or 2)]
    for process in burners:
        process.start()
    lines = []
    try:
        started = time.perf_counter()
        for exercise, name, folder, count in cases:
            # One child, then two sharing the checks, in turn: the split must change nothing.
            seen = {verdicts(exercise, folder, lanes=1 + run % 2) for run in range(count)}
            status = "same verdicts" if len(seen) == 1 else (
                f"{len(seen)} DIFFERENT verdicts, of {', '.join(flipped(exercise, seen))}")
            if name == "solution":
                status += ", full marks" if seen == {(True,) * len(next(iter(seen)))} else \
                    ", NOT FULL MARKS"
            lines.append(f"  {exercise.number} {name:<48} {count:3d} runs: {status}")
        elapsed = time.perf_counter() - started
        lines.append(f"  {len(cases)} cases graded under load in {elapsed:.1f} s")
    finally:
        for process in burners:
            process.terminate()
    return lines


def timed_check(exercise: str, submission: Path, choice: str) -> float:
    command = [sys.executable, "-m", "graders", "check", exercise, "--submission", str(submission)]
    env = {**os.environ, sandbox.CHOICE_VARIABLE: choice}
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False, cwd=PACK_ROOT, env=env)
    return time.perf_counter() - started


def sandbox_cost(submission: Path, repeat: int) -> list[str]:
    """Median wall seconds per exercise with the sandbox and with the guard alone."""
    found = sandbox.probe()
    if not found.sandboxed:
        return [f"  skipped: {found.why}"]
    lines, added = [], []
    for exercise in load_exercises():
        walls: dict[str, list[float]] = {sandbox.BUBBLEWRAP: [], sandbox.GUARD: []}
        for _ in range(repeat):
            for choice, times in walls.items():
                times.append(timed_check(exercise.number, submission, choice))
        sandboxed, guarded = (statistics.median(walls[choice]) for choice in walls)
        added.append(sandboxed - guarded)
        lines.append(f"  {exercise.label:<16} {sandboxed:6.2f} s sandboxed, {guarded:6.2f} s "
                     f"guard alone: {sandboxed - guarded:+.2f} s")
    lines.append(f"  the sandbox adds {statistics.median(added):+.2f} s to an exercise "
                 f"(median; {min(added):+.2f} to {max(added):+.2f})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graders.teachers.bench", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per exercise")
    parser.add_argument("--load-runs", type=int, default=20,
                        help="runs of each solution under load")
    parser.add_argument("--variant-runs", type=int, default=5,
                        help="runs of each wrong variant under load")
    parser.add_argument("--no-load", action="store_true", help="skip the runs under load")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="awaitlings-bench-") as tmp:
        root = Path(tmp)
        submission = solutions_submission(root / "solutions")
        floor = import_floor(args.repeat)
        print(f"Import floor ({FLOOR_IMPORTS}): {floor:.2f} s; each figure x that floor in []")

        def wall(seconds: float) -> str:
            return f"{seconds:6.2f} s wall [x{seconds / floor:4.1f}]"

        print("\nmake check on the reference solutions (median wall seconds):")
        for exercise in load_exercises():
            walls = [timed_make_check(exercise.number, submission) for _ in range(args.repeat)]
            virtual = covered_virtual_seconds(exercise, submission / exercise.folder)
            print(f"  {exercise.label:<16} {wall(statistics.median(walls))} "
                  f"(max {max(walls):.2f})  covering {virtual:7.1f} s of virtual time")
        walls = [timed_make_check(None, submission) for _ in range(max(1, args.repeat // 2))]
        print(f"  {'all exercises':<16} {wall(statistics.median(walls))}")
        print("\nClassroom scale:")
        for number in ("04", "01"):
            exercise = find_exercise(number)
            if exercise is not None:
                seconds = timed_grade_all(root / f"batch{number}", 100, exercise)
                print(f"  grade-all, 100 submissions of {exercise.label}: {wall(seconds)}")
        autograde = timed_nbgrader_autograde(root / "nbgrader")
        print("  nbgrader autograde, one student, every exercise: "
              + (wall(autograde) if autograde is not None
                 else "skipped (the classroom tools are not installed: make classroom)"))
        print("\nThe sandbox's cost (median wall seconds of python -m graders check NN):")
        print("\n".join(sandbox_cost(submission, args.repeat)))
        if not args.no_load:
            print("\nVerdicts under load (every core kept busy):")
            print("\n".join(stability(args.load_runs, args.variant_runs, root)))
        slowest = find_exercise("01")
        if slowest is not None:
            print(f"\nWhere one grading's process spends its imports ({slowest.label}, "
                  "-X importtime, cumulative):")
            print("\n".join(import_profile(slowest, submission)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
