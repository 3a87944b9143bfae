"""`python -m graders.teachers.classroom [--check]`: write the classroom files of classroom/
(maintainers).

They are generated from the manifest, the exercises, the solutions and the grader's suites, like
the stubs: the nbgrader course (classroom/nbgrader/) and the GitHub Classroom workflow
(classroom/github-classroom.yml). `--check` (run by `make test`) fails when a committed file
differs from what would be written, or when a generated folder holds a file nothing generates,
or when the lock of Gradescope's requirements (classroom/requirements-lock.txt, written by
`make lock`, which needs the network) is not current with pyproject (checked without it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graders.manifest import PACK_ROOT, load_exercises
from graders.teachers import ghclassroom, gradescope, nbcourse

CLASSROOM_DIR = PACK_ROOT / "classroom"
COURSE_DIR = CLASSROOM_DIR / "nbgrader"
WORKFLOW_PATH = CLASSROOM_DIR / "github-classroom.yml"


def generated_files() -> dict[Path, str]:
    exercises = load_exercises()
    files = {COURSE_DIR / path: text for path, text in nbcourse.course_files(exercises).items()}
    files[WORKFLOW_PATH] = ghclassroom.workflow(exercises)
    return files


def stale_files() -> list[Path]:
    """Committed files that differ from what would be generated, and strays in source/."""
    expected = generated_files()
    stale = [
        path for path, text in expected.items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
    source = COURSE_DIR / "source"
    if source.is_dir():
        stale += [path for path in sorted(source.rglob("*"))
                  if path.is_file() and path not in expected]
    return stale


def write_files() -> list[Path]:
    expected = generated_files()
    written = []
    for path, text in expected.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    source = COURSE_DIR / "source"
    for path in sorted(source.rglob("*"), reverse=True):  # files of exercises no longer there
        if path.is_file() and path not in expected:
            path.unlink()
            written.append(path)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graders.teachers.classroom",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="only report files that differ from what would be written")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for path in stale:
            print(f"stale: {path.relative_to(PACK_ROOT)} is not what the pack generates; "
                  "run `make classroom`", file=sys.stderr)
        lock = gradescope.lock_problems()
        for problem in lock:
            print(f"stale: {gradescope.LOCK_PATH.relative_to(PACK_ROOT)}: {problem}",
                  file=sys.stderr)
        return 1 if stale or lock else 0
    for path in write_files():
        print(f"wrote {path.relative_to(PACK_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
