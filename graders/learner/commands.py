"""What a learner works with besides `check`: hints in stages, progress, watch mode and reset.

The learner's state (how many hints of each exercise were shown, the last result of each check)
lives in one small JSON file in the checkout, `.awaitlings/state.json`, ignored by git; copies
kept by `reset` go beside it in `.awaitlings/backups/`. AWAITLINGS_STATE_DIR puts them elsewhere
(the pack's tests do). Hints are read from the manifest, exercises.toml, and nowhere else.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from graders.engine.report import ExerciseReport
from graders.kit.checks import Check
from graders.learner import STATE_DIR_VARIABLE
from graders.manifest import PACK_ROOT, Exercise, load_exercises, locate_in_submission
from graders.stubs import stub_text

DEFAULT_SUBMISSION = PACK_ROOT / "exercises"


def state_dir() -> Path:
    return Path(os.environ.get(STATE_DIR_VARIABLE) or PACK_ROOT / ".awaitlings")


@dataclass
class Recorded:
    """The last grading of one exercise."""

    score: float
    max_score: float
    passed: bool
    fingerprint: str
    """Of the learner's files when they were graded: a result counts only for those files."""
    failed: list[str] = field(default_factory=list)
    """Ids of the checks that failed, in the suite's order: hints follow the first of them."""


@dataclass
class LearnerState:
    hints_shown: dict[str, dict[str, int]] = field(default_factory=dict)
    """Exercise number -> check id -> how many of that check's hints were shown."""
    results: dict[str, Recorded] = field(default_factory=dict)
    """Exercise number -> its last grading."""

    @classmethod
    def load(cls) -> LearnerState:
        try:
            data = json.loads((state_dir() / "state.json").read_text(encoding="utf-8"))
            return cls(
                hints_shown={number: {check: int(count) for check, count in shown.items()}
                             for number, shown in data.get("hints_shown", {}).items()
                             if isinstance(shown, dict)},  # a count per exercise is older
                results={k: Recorded(**v) for k, v in data.get("results", {}).items()},
            )
        except (OSError, ValueError, TypeError, AttributeError):
            return cls()  # no state yet, or a damaged file: start afresh

    def save(self) -> None:
        folder = state_dir()
        folder.mkdir(parents=True, exist_ok=True)
        data = {"hints_shown": self.hints_shown,
                "results": {k: asdict(v) for k, v in self.results.items()}}
        temporary = folder / "state.json.tmp"
        temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        temporary.replace(folder / "state.json")

    def save_quietly(self) -> None:
        with contextlib.suppress(OSError):  # a read-only checkout still grades and hints
            self.save()


def fingerprint(exercise: Exercise, folder: Path) -> str:
    digest = hashlib.sha256()
    for name in exercise.modules:
        path = folder / name
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()


def failed_check_ids(report: ExerciseReport) -> list[str]:
    return [result.id for result in report.results if not result.passed]


def record(reports: list[ExerciseReport], submission: Path) -> None:
    """Remember these gradings (for progress, watch and hints)."""
    state = LearnerState.load()
    for report in reports:
        folder = locate_in_submission(report.exercise, submission)
        if folder is None:
            continue
        state.results[report.exercise.number] = Recorded(
            report.score, report.max_score, report.passed, fingerprint(report.exercise, folder),
            failed_check_ids(report))
    state.save_quietly()


def is_untouched_stub(exercise: Exercise, folder: Path) -> bool:
    for name in exercise.modules:
        path = folder / name
        try:
            if not path.is_file() or path.read_text(encoding="utf-8") != stub_text(exercise, name):
                return False
        except FileNotFoundError:  # no stub to compare with
            return False
    return True


# Hints


def next_hint(exercise: Exercise, folder: Path | None = None) -> str:
    """The next hint for the first check that failed in the last grading (the last hint again
    once all were shown), and remember it. Without a grading, the first check's hints."""
    state = LearnerState.load()
    recorded = state.results.get(exercise.number)
    if recorded is not None and recorded.passed:
        return _no_hint_needed(exercise, recorded, folder)
    failed = recorded.failed if recorded is not None and recorded.failed else None
    stuck_on = [check for check in exercise.checks()  # None: no grading says where
                if failed is None or check.id in failed]
    check = next((c for c in stuck_on if exercise.hints_for(c.id)), None)
    if check is None:
        return f"Exercise {exercise.label} has no hints. Its README says what to do."
    hints = exercise.hints_for(check.id)
    shown = state.hints_shown.setdefault(exercise.number, {})
    number = min(shown.get(check.id, 0) + 1, len(hints))
    shown[check.id] = number
    state.save_quietly()
    parts = [_where_this_hint_comes_from(exercise, recorded, folder),
             _hint_text(exercise, check, number)]
    if number < len(hints):
        parts.append(f"Still stuck on this check? Ask again for hint {number + 1}.")
    else:
        parts.append("That was the last hint for this check. Read the exercise's README again "
                     f"(its \"Things to notice\"), and `make check EXERCISE={exercise.number}` "
                     "after every change.")
    return "\n\n".join(part for part in parts if part)


def _no_hint_needed(exercise: Exercise, recorded: Recorded, folder: Path | None) -> str:
    text = f"Every check of {exercise.label} passed when you last checked it: no hint needed."
    if folder is not None and recorded.fingerprint != fingerprint(exercise, folder):
        text += (f" Your files changed since: `make check EXERCISE={exercise.number}` says "
                 "whether they still pass, and where to look if not.")
    return text + (f"\n`make hint EXERCISE={exercise.number} ALL=1` shows again the hints you "
                   "saw.")


def _where_this_hint_comes_from(
    exercise: Exercise, recorded: Recorded | None, folder: Path | None
) -> str:
    """Why this check's hint: said only when the last grading cannot be the learner's guide."""
    if recorded is None:
        return (f"You have not checked {exercise.label} yet, so here is a hint for its first "
                f"check. After `make check EXERCISE={exercise.number}`, hints follow the first "
                "check that fails.")
    if folder is not None and recorded.fingerprint != fingerprint(exercise, folder):
        return (f"Your files changed since you last checked {exercise.label}: this hint is for "
                f"where that check stopped. `make check EXERCISE={exercise.number}` to see "
                "where you are now.")
    return ""


def hints_seen(exercise: Exercise) -> str:
    """Every hint of the exercise shown so far, again, in the order of its checks."""
    shown = LearnerState.load().hints_shown.get(exercise.number, {})
    texts = [_hint_text(exercise, check, number)
             for check in exercise.checks()
             for number in range(1, shown.get(check.id, 0) + 1)
             if number <= len(exercise.hints_for(check.id))]
    if not texts:
        return (f"You have seen no hint of {exercise.label} yet: `make hint "
                f"EXERCISE={exercise.number}` shows one for where you are stuck.")
    return "\n\n".join(texts)


def reset_hints(exercise: Exercise) -> None:
    state = LearnerState.load()
    state.hints_shown.pop(exercise.number, None)
    state.save_quietly()


def _hint_text(exercise: Exercise, check: Check, number: int) -> str:
    hints = exercise.hints_for(check.id)
    return (f"Hint {number} of {len(hints)} for {exercise.label}, on “{check.name}”:\n"
            + "\n".join("  " + line for line in hints[number - 1].splitlines()))


# Progress

BAR_WIDTH = 30


@dataclass
class ExerciseProgress:
    exercise: Exercise
    state: str
    """"done", "in progress", "not started" or "missing"."""
    score: float
    max_score: float


def progress_of(
    submission: Path, grade: Callable[[Exercise, Path], ExerciseReport] | None
) -> list[ExerciseProgress]:
    """Every exercise's state; exercises changed since their last grading are graded again (or,
    without `grade`, counted as in progress with the score they last had)."""
    state = LearnerState.load()
    rows, fresh = [], []
    for exercise in load_exercises():
        maximum = max_score(exercise)
        folder = locate_in_submission(exercise, submission)
        if folder is None:
            rows.append(ExerciseProgress(exercise, "missing", 0, maximum))
            continue
        if is_untouched_stub(exercise, folder):
            rows.append(ExerciseProgress(exercise, "not started", 0, maximum))
            continue
        known = state.results.get(exercise.number)
        if grade is None and (known is None or known.fingerprint != fingerprint(exercise, folder)):
            rows.append(ExerciseProgress(exercise, "in progress", known.score if known else 0,
                                         maximum))
            continue
        if known is None or known.fingerprint != fingerprint(exercise, folder):
            assert grade is not None
            report = grade(exercise, folder)
            fresh.append(report)
            known = Recorded(report.score, report.max_score, report.passed, "")
        rows.append(ExerciseProgress(exercise, "done" if known.passed else "in progress",
                                     known.score, maximum))
    if fresh:
        record(fresh, submission)
    return rows


def max_score(exercise: Exercise) -> float:
    return sum(check.points for check in exercise.checks())


def render_progress(rows: list[ExerciseProgress]) -> str:
    marks = {"done": "✓", "in progress": "✗", "not started": "·", "missing": "?"}
    title_width = max(len(row.exercise.title) for row in rows)
    label_width = max(len(row.exercise.label) for row in rows)
    lines = ["Your progress through awaitlings:"]
    for row in rows:
        lines.append(f"  {marks[row.state]} {row.exercise.label:<{label_width}}  "
                     f"{row.exercise.title:<{title_width}}  "
                     f"{row.score:>4g}/{row.max_score:<4g} {row.state}")
    lines.append("  " + progress_bar(rows))
    upcoming = next((row for row in rows if row.state == "in progress"),  # the one begun
                    next((row for row in rows if row.state != "done"), None))
    if upcoming is None:
        lines.append("  Every exercise passes. Well done!")
    else:
        ex = upcoming.exercise
        lines.append(f"  Next: exercises/{ex.folder}/README.md, then `make watch` "
                     f"(or `make check EXERCISE={ex.number}`).")
    return "\n".join(lines)


def progress_bar(rows: list[ExerciseProgress]) -> str:
    done = sum(row.state == "done" for row in rows)
    score = sum(row.score for row in rows)
    most = sum(row.max_score for row in rows)
    filled = round(BAR_WIDTH * score / most) if most else 0
    return (f"[{'█' * filled}{'░' * (BAR_WIDTH - filled)}] "
            f"{done} of {len(rows)} exercises done, {score:g}/{most:g} points")


# Reset


def reset(exercise: Exercise, folder: Path) -> str:
    """Put back the stub of each module (generated from the solution, or kept in stubs/ where
    there is no solution), keeping a copy first."""
    if is_untouched_stub(exercise, folder):
        reset_hints(exercise)
        return (f"{folder.name}/ already holds the untouched stub: nothing to put back. Its "
                "hints start afresh.")
    backup = state_dir() / "backups" / f"{exercise.folder}-{datetime.now():%Y%m%d-%H%M%S}"
    backup.mkdir(parents=True, exist_ok=True)
    kept = []
    for name in exercise.modules:
        path = folder / name
        if path.is_file():
            shutil.copy2(path, backup / name)
            kept.append(str(backup / name))
        path.write_text(stub_text(exercise, name), encoding="utf-8")
    state = LearnerState.load()
    state.results.pop(exercise.number, None)
    state.hints_shown.pop(exercise.number, None)
    state.save_quietly()
    names = ", ".join(exercise.modules)
    return (f"{exercise.label}: {names} is the fresh stub again, and its hints start afresh.\n"
            "Your work is kept in:\n" + "\n".join(f"  {path}" for path in kept))


# Watch


def snapshot(folder: Path) -> dict[str, float]:
    """Modification times of the files of an exercise folder (saving a file changes them)."""
    times = {}
    for path in folder.rglob("*"):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        with contextlib.suppress(OSError):
            times[str(path)] = path.stat().st_mtime_ns
    return times


def wait_until_changed(folder: Path, before: dict[str, float], poll_seconds: float) -> None:
    """Return once a file of `folder` differs from the snapshot `before` (polling mtimes)."""
    while snapshot(folder) == before:
        time.sleep(poll_seconds)
    time.sleep(poll_seconds)  # let an editor finish writing


def is_finished(exercise: Exercise, folder: Path | None, state: LearnerState) -> bool:
    """Passed when last graded, and not changed since."""
    known = state.results.get(exercise.number)
    return (folder is not None and known is not None and known.passed
            and known.fingerprint == fingerprint(exercise, folder))


def being_worked_on(exercises: list[Exercise], submission: Path) -> int:
    """The index of the exercise the learner is on: the first unfinished one they have started
    (checked, or changed from its stub), else the first unfinished one; len(exercises) when all
    are done. A learner who went straight to 03 is on 03, not on an untouched 01."""
    state = LearnerState.load()
    unfinished = []
    for index, exercise in enumerate(exercises):
        folder = locate_in_submission(exercise, submission)
        if not is_finished(exercise, folder, state):
            unfinished.append(index)
            started = exercise.number in state.results or (
                folder is not None and not is_untouched_stub(exercise, folder))
            if started:
                return index
    return unfinished[0] if unfinished else len(exercises)
