"""Gradescope: the autograder zip, and what its run_autograder runs.

`python -m graders.teachers.gradescope build --out build/autograder.zip [--exercises 03 04]` writes
a zip with setup.sh and run_autograder at its root, the grader (graders/), the manifest, each graded
exercise's README and provided files, and requirements.txt: the pack's lock,
classroom/requirements-lock.txt, every package pinned with its hashes (`make lock` writes it with
uv; `lock_problems`, run by `make test`, checks without the network that it pins what pyproject
does, with a hash on every package). No solution, no stub, no visible test goes in: the grader
needs none of them.

setup.sh and run_autograder both honour $AUTOGRADER_ROOT (default /autograder), so that the whole
bundle can be tried in any folder, as TEACHERS.md shows.

`python -m graders.teachers.gradescope run` (what run_autograder calls) lays out the student's
upload from $AUTOGRADER_ROOT/submission (default /autograder; flat files or exercise folders, see
graders.teachers.layout), grades every exercise of the zip, and writes
$AUTOGRADER_ROOT/results/results.json to Gradescope's specification: score, output, and one test per
check with name, score, max_score, status, output, tags and visibility. Checks with one of the
hidden tags are shown to students only after the due date.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import tomllib
import zipfile
from pathlib import Path

from graders.engine.report import ExerciseReport, results_json
from graders.manifest import MANIFEST_PATH, PACK_ROOT, Exercise, find_exercise, load_exercises
from graders.teachers.batch import Job, grade_job
from graders.teachers.layout import find_modules
from graders.teachers.nbcourse import HIDDEN_TAGS

GRADED_LIST = "graded_exercises.txt"
"""In the zip: the exercise numbers it grades, one a line."""

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image. AUTOGRADER_ROOT
# (default /autograder) moves everything, as in run_autograder, to try the bundle elsewhere.
set -euo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
cd "$root/source"
python=""
for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null &&
        "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        python="$candidate"; break
    fi
done
if [ -z "$python" ]; then  # older images: Ubuntu's own Python 3.11
    apt-get update && apt-get install -y python3.11 python3.11-venv
    python=python3.11
fi
# Ubuntu's Pythons come without venv and ensurepip until pythonX.Y-venv is installed.
if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    apt-get update
    apt-get install -y "python$version-venv" || apt-get install -y python3-venv
fi
# The grader's own set-up goes here (what its sandbox needs from the image).
# The sandbox each child runs in (bubblewrap). Where Gradescope's container refuses it, the grader
# uses its guard alone, and every results file says so.
if ! command -v bwrap >/dev/null; then
    (apt-get update && apt-get install -y bubblewrap) || echo "bubblewrap not installed"
fi
"$python" -m venv .venv
.venv/bin/python -m pip install --disable-pip-version-check --require-hashes -r requirements.txt
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission; it writes $AUTOGRADER_ROOT/results/results.json.
set -euo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
python="${AWAITLINGS_PYTHON:-$root/source/.venv/bin/python}"
cd "$root/source"
AUTOGRADER_ROOT="$root" exec "$python" -m graders.teachers.gradescope run
"""

LOCK_PATH = PACK_ROOT / "classroom" / "requirements-lock.txt"
"""Every package the grader needs, pinned, with hashes (`make lock`)."""
LOCK_ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def direct_pins() -> dict[str, str]:
    """pyproject's dependencies: name -> the version it pins."""
    data = tomllib.loads((PACK_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = {}
    for requirement in data["project"]["dependencies"]:
        pin, _, _marker = requirement.partition(";")  # the lock says where it applies too
        name, _, version = pin.partition("==")
        pins[canonical(name.strip())] = version.strip()
    return pins


def lock_entries(text: str) -> dict[str, tuple[str, int]]:
    """The lock's packages: name -> (version, how many hashes)."""
    entries: dict[str, tuple[str, int]] = {}
    current = None
    for line in text.splitlines():
        entry = LOCK_ENTRY.match(line)
        if entry:
            current = canonical(entry["name"])
            entries[current] = (entry["version"], 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = entries[current]
            entries[current] = (version, hashes + 1)
        elif line.strip() and not line.lstrip().startswith("#") and not line.startswith(" "):
            entries[f"unpinned: {line.strip()}"] = ("", 0)
    return entries


def lock_problems(text: str | None = None) -> list[str]:
    """Why the lock is not current with pyproject, in sentences; none when it is."""
    if text is None:
        if not LOCK_PATH.is_file():
            return [f"{LOCK_PATH.name} is missing: run `make lock`"]
        text = LOCK_PATH.read_text(encoding="utf-8")
    entries = lock_entries(text)
    problems = [f"{name} in the lock is not pinned with == and hashes"
                for name in entries if name.startswith("unpinned: ")]
    problems += [f"{name}=={version} in the lock has no hash"
                 for name, (version, hashes) in entries.items()
                 if hashes == 0 and not name.startswith("unpinned: ")]
    for name, version in direct_pins().items():
        locked = entries.get(name, ("", 0))[0]
        if locked != version:
            problems.append(f"pyproject pins {name}=={version}, the lock "
                            + (f"has {locked}" if locked else "does not have it")
                            + ": run `make lock`")
    return problems


def requirements() -> str:
    return LOCK_PATH.read_text(encoding="utf-8")


def zip_members(exercises: list[Exercise]) -> dict[str, bytes]:
    """Every file of the zip, by its path inside it."""
    members: dict[str, bytes] = {
        "setup.sh": SETUP_SH.encode(),
        "run_autograder": RUN_AUTOGRADER.encode(),
        "requirements.txt": requirements().encode(),
        "exercises.toml": MANIFEST_PATH.read_bytes(),
        GRADED_LIST: "".join(f"{ex.number}\n" for ex in exercises).encode(),
    }
    for path in sorted((PACK_ROOT / "graders").rglob("*.py")):
        members[str(path.relative_to(PACK_ROOT))] = path.read_bytes()
    for exercise in exercises:
        for name in ("README.md", *exercise.provided):
            path = exercise.exercise_dir / name
            members[str(path.relative_to(PACK_ROOT))] = path.read_bytes()
    return members


def build(exercises: list[Exercise], out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in zip_members(exercises).items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            executable = name in ("setup.sh", "run_autograder")
            info.external_attr = (0o755 if executable else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out


def graded_exercises() -> list[Exercise]:
    listed = PACK_ROOT / GRADED_LIST
    if not listed.is_file():
        return list(load_exercises())
    numbers = listed.read_text().split()
    return [ex for ex in (find_exercise(n) for n in numbers) if ex is not None]


def gradescope_results(reports: list[ExerciseReport], seconds: float,
                       found: set[str]) -> dict:
    results = results_json(reports)
    checks = {
        f"{report.exercise.label}: {check.name}": check
        for report in reports
        for check in report.exercise.checks()
    }
    for number, test in enumerate(results["tests"], start=1):
        hidden = any(tag in HIDDEN_TAGS for tag in checks[test["name"]].tags)
        test.pop("timeline", None)  # already in the output; not a field of Gradescope's
        test["number"] = str(number)
        test["visibility"] = "after_due_date" if hidden else "visible"
    missing = [r.exercise for r in reports if r.exercise.number not in found]
    if missing:
        results["output"] += "\nNot found in your upload: " + "; ".join(
            f"{ex.label} ({', '.join(ex.modules)})" for ex in missing)
    results["execution_time"] = round(seconds, 1)
    results["visibility"] = "visible"
    results["stdout_visibility"] = "hidden"
    return results


def run(root: Path) -> Path:
    started = time.monotonic()
    exercises = graded_exercises()
    upload = root / "submission"
    found = {ex.number for ex in exercises if upload.is_dir() and find_modules(ex, upload)}
    # Whatever the upload holds, each exercise gets a report: grade_job never raises.
    reports = [grade_job(Job("submission", upload, exercise)) for exercise in exercises]
    results = gradescope_results(reports, time.monotonic() - started, found)
    path = root / "results" / "results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(results["output"])
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graders.teachers.gradescope",
                                     description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="write the autograder zip")
    build_parser.add_argument("--out", type=Path, default=PACK_ROOT / "build" / "autograder.zip")
    build_parser.add_argument("--exercises", nargs="*", metavar="NN", default=None,
                              help="the exercises it grades (default: all)")
    commands.add_parser("run", help="grade $AUTOGRADER_ROOT/submission (run_autograder)")
    args = parser.parse_args(argv)
    if args.command == "run":
        run(Path(os.environ.get("AUTOGRADER_ROOT", "/autograder")))
        return 0
    exercises = list(load_exercises())
    if args.exercises:
        chosen = [find_exercise(number) for number in args.exercises]
        if None in chosen:
            print(f"error: unknown exercise among {args.exercises}", file=sys.stderr)
            return 2
        exercises = chosen  # type: ignore[assignment]
    path = build(exercises, args.out)
    print(f"wrote {path} ({', '.join(ex.label for ex in exercises)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
