"""The pack's manifest (exercises.toml): which exercises exist, in which order, and their files."""

from __future__ import annotations

import importlib
import threading
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graders.kit.checks import Check

PACK_ROOT = Path(__file__).resolve().parent.parent
MANIFEST_PATH = PACK_ROOT / "exercises.toml"


SUITE_IMPORTS = threading.RLock()
"""One suite import at a time in the parent: lanes (graders/engine/lanes.py) import suites from
two threads, and two threads importing modules that import each other can deadlock."""


def import_suite(name: str) -> ModuleType:
    """The suite module `name`, imported under SUITE_IMPORTS."""
    with SUITE_IMPORTS:
        return importlib.import_module(name)


@dataclass(frozen=True)
class Exercise:
    """One exercise of the pack, as the manifest declares it."""

    number: str
    """Two digits, the exercise's prefix in every folder name ("03")."""
    slug: str
    """The folder name's second half ("byhand")."""
    title: str
    """A few words for people ("Coroutines run by hand")."""
    modules: tuple[str, ...]
    """File names of the modules the student edits; the first one is the main module."""
    provided: tuple[str, ...]
    """File names the pack provides beside them; graders always take the pack's copy."""
    hints: tuple[CheckHints, ...]
    """The hints of each check that has some, in the manifest's order."""

    @property
    def folder(self) -> str:
        return f"{self.number}_{self.slug}"

    @property
    def exercise_dir(self) -> Path:
        return PACK_ROOT / "exercises" / self.folder

    @property
    def solution_dir(self) -> Path:
        return PACK_ROOT / "solutions" / self.folder

    @property
    def main_module(self) -> str:
        return self.modules[0]

    @property
    def suite_name(self) -> str:
        """The module of graders.suites that holds this exercise's checks."""
        return f"graders.suites.{self.slug}"

    def checks(self) -> list[Check]:
        """The checks of this exercise's suite, in order. Importing a suite costs ~0.3 s the first
        time (aiohttp, looptime, blockbuster): the grader does it while its child starts."""
        return import_suite(self.suite_name).SUITE.checks

    @property
    def label(self) -> str:
        return f"{self.number} {self.slug}"

    def hints_for(self, check_id: str) -> tuple[str, ...]:
        """The hints of one check (by its id), gentlest first; () when it has none."""
        return next((entry.hints for entry in self.hints if entry.check == check_id), ())


@dataclass(frozen=True)
class CheckHints:
    """The hints of one check, as the manifest's `[exercise.hints]` table gives them."""

    check: str
    """The id of the check they help with (`Check.id`: its function's name in the suite)."""
    hints: tuple[str, ...]
    """Shown one at a time, from the gentlest to the most telling; never the code itself."""


@cache
def load_exercises() -> tuple[Exercise, ...]:
    """Every exercise, in the manifest's order."""
    with MANIFEST_PATH.open("rb") as file:
        data = tomllib.load(file)
    return tuple(
        Exercise(
            number=entry["number"],
            slug=entry["slug"],
            title=entry["title"],
            modules=tuple(entry["modules"]),
            provided=tuple(entry.get("provided", ())),
            hints=read_hints(entry),
        )
        for entry in data["exercise"]
    )


def read_hints(entry: dict) -> tuple[CheckHints, ...]:
    """`[exercise.hints]`: check id = [hints]. A plain list (the older form) is refused, since
    hints now follow the check that failed."""
    table = entry.get("hints", {})
    if not isinstance(table, dict):
        raise ValueError(f"exercises.toml, exercise {entry['number']}: hints must be a table of "
                         "check id = [hints, gentlest first], not a list")
    return tuple(CheckHints(check, tuple(hints)) for check, hints in table.items())


def find_exercise(name: str) -> Exercise | None:
    """The exercise with this number or slug ("3", "03", "byhand" and "03_byhand" all name
    exercise 03)."""
    wanted = name.strip().lower()
    number = wanted.split("_", 1)[0].zfill(2)
    for exercise in load_exercises():
        if wanted == exercise.slug or number == exercise.number:
            return exercise
    return None


def locate_in_submission(exercise: Exercise, submission: Path) -> Path | None:
    """The submission's folder for this exercise: the one whose name starts with its number."""
    if not submission.is_dir():
        return None
    candidates = sorted(
        path
        for path in submission.iterdir()
        if path.is_dir() and path.name.split("_", 1)[0] == exercise.number
    )
    return candidates[0] if candidates else None
