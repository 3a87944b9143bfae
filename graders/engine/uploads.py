"""What an upload may not be: links, or paths that lead out of it, and the pack's own solutions.

A module that is a symbolic link to a classmate's file would be graded as one's own; a folder that
leads into solutions/ would be the reference solution graded as the student's. So the grader takes
an exercise folder only when it and the files in it are what they say: no link anywhere in it,
nothing that resolves outside it. Grading the reference solutions is a teacher's choice, said with
an explicit option (`--reference`), never decided by where a submission's path leads.
"""

from __future__ import annotations

import os
from pathlib import Path

from graders.manifest import PACK_ROOT

ADVICE = ("Hand in the files themselves: a link could lead to someone else's work or to the "
          "grader's own files, so the grader never follows one.")


def refusal(folder: Path, *, reference: bool = False) -> str | None:
    """Why the exercise folder `folder` cannot be graded as it is, or None when it can."""
    if os.path.islink(folder):
        return f"{folder.name}/ is a symbolic link (to {os.readlink(folder)}). {ADVICE}"
    if not folder.is_dir():
        return None  # the child says which module is missing
    real = folder.resolve()
    links = []
    for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
        if entry.is_symlink():
            links.append(f"{entry.name} -> {os.readlink(entry.path)}")
        elif not Path(entry.path).resolve().is_relative_to(real):
            links.append(f"{entry.name} (leads outside {folder.name}/)")
    if links:
        return (f"{folder.name}/ holds symbolic links, which the grader refuses: "
                f"{', '.join(links[:6])}. {ADVICE}")
    solutions = (PACK_ROOT / "solutions").resolve()
    if not reference and real.is_relative_to(solutions):
        return (f"{folder} is the pack's reference solution, not a submission. A teacher who "
                "means to grade the reference solutions says so: `python -m graders check NN "
                "--submission solutions --reference`.")
    return None
