"""Stubs are generated from the solutions, never written by hand.

A solution marks what the learner writes between `### BEGIN SOLUTION` and `### END SOLUTION` (the
markers nbgrader uses). The stub keeps everything else and puts, in each marked region, a TODO and
`raise NotImplementedError`, indented like the markers. `python -m graders generate` rewrites the
stubs in exercises/; `python -m graders generate --check` (run by the pack's tests) fails when a
committed stub differs from what its solution generates.
"""

from __future__ import annotations

import re
from pathlib import Path

from graders.manifest import PACK_ROOT, Exercise, load_exercises

BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[ \t]*$")
END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")


STUBS_DIR_NAME = "stubs"
"""Where a copy of the pack without solutions/ (GitHub Classroom's template repository) keeps
the stubs, `stubs/NN_slug/module.py`, for `reset` to put back."""


class MarkerError(ValueError):
    pass


def stub_text(exercise: Exercise, module: str) -> str:
    """The fresh stub of one of the exercise's modules: made from its solution, or, in a copy of
    the pack without solutions/, the copy kept in stubs/."""
    solution = exercise.solution_dir / module
    if solution.is_file():
        return make_stub(solution.read_text(encoding="utf-8"), str(solution))
    kept = PACK_ROOT / STUBS_DIR_NAME / exercise.folder / module
    if kept.is_file():
        return kept.read_text(encoding="utf-8")
    raise FileNotFoundError(
        f"no stub for {exercise.folder}/{module}: neither {solution} nor {kept} exists"
    )


def make_stub(solution: str, name: str = "<solution>") -> str:
    out: list[str] = []
    inside = False
    for number, line in enumerate(solution.splitlines(keepends=True), start=1):
        begin = BEGIN.match(line.rstrip("\n"))
        if begin:
            if inside:
                raise MarkerError(f"{name}:{number}: BEGIN SOLUTION inside another region")
            inside = True
            indent = begin["indent"]
            out.append(f"{indent}# TODO: your code here\n{indent}raise NotImplementedError\n")
        elif END.match(line.rstrip("\n")):
            if not inside:
                raise MarkerError(f"{name}:{number}: END SOLUTION without BEGIN SOLUTION")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise MarkerError(f"{name}: BEGIN SOLUTION never ends")
    return "".join(out)


def strip_markers(solution: str) -> str:
    """The solution as a person reads it: the same code, without the marker lines."""
    return "".join(
        line for line in solution.splitlines(keepends=True)
        if not (BEGIN.match(line.rstrip("\n")) or END.match(line.rstrip("\n")))
    )


def stub_pairs(exercise: Exercise) -> list[tuple[Path, Path]]:
    """(solution file, stub file) for every module the learner edits."""
    return [
        (exercise.solution_dir / module, exercise.exercise_dir / module)
        for module in exercise.modules
    ]


def stale_stubs() -> list[Path]:
    """Stubs whose committed text is not what their solution generates."""
    stale = []
    for exercise in load_exercises():
        for solution, stub in stub_pairs(exercise):
            expected = make_stub(solution.read_text(encoding="utf-8"), str(solution))
            if not stub.is_file() or stub.read_text(encoding="utf-8") != expected:
                stale.append(stub)
    return stale


def write_stubs() -> list[Path]:
    written = []
    for exercise in load_exercises():
        for solution, stub in stub_pairs(exercise):
            stub.parent.mkdir(parents=True, exist_ok=True)
            text = make_stub(solution.read_text(encoding="utf-8"), str(solution))
            if not stub.is_file() or stub.read_text(encoding="utf-8") != text:
                stub.write_text(text, encoding="utf-8")
                written.append(stub)
    return written
