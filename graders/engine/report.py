"""The grader's answers: text for a person, and the Gradescope-style results file."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

from graders.engine import sandbox
from graders.kit.checks import CheckResult
from graders.manifest import Exercise


@dataclass
class ExerciseReport:
    exercise: Exercise
    results: list[CheckResult]
    isolation: str = ""
    """How the grading process was held, in a sentence (graders/engine/processes.py, Isolation);
    "" when not known."""

    @classmethod
    def not_judged(cls, exercise: Exercise, why: str) -> ExerciseReport:
        """Every check failed with `why`: a grading that broke still leaves results behind."""
        return cls(exercise, [
            CheckResult(check.name, 0.0, check.points, False, check.tags, why, id=check.id)
            for check in exercise.checks()
        ])

    @property
    def score(self) -> float:
        return sum(result.points for result in self.results)

    @property
    def max_score(self) -> float:
        return sum(result.max_points for result in self.results)

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.results)


def _points(value: float) -> str:
    return f"{value:g}"


def render_text(report: ExerciseReport, *, only_first_failure: bool = False) -> str:
    """The report for a person. With only_first_failure (check and watch, unless verbose), the
    failures after the first show their first line only: one thing to fix at a time."""
    ex = report.exercise
    shown_in_full = 0
    lines = [
        f"{ex.label}: {ex.title}  —  {_points(report.score)}/{_points(report.max_score)} points"
    ]
    for result in report.results:
        mark = "✓" if result.passed else "✗"
        tags = ", ".join(result.tags)
        lines.append(
            f"  {mark} {result.name}  "
            f"({_points(result.points)}/{_points(result.max_points)}, {tags})"
        )
        if not result.passed and (shown_in_full == 0 or not only_first_failure):
            lines.append(textwrap.indent(failure_text(result), "      "))
            shown_in_full += 1
        elif not result.passed:
            lines.extend("      " + line for line in _headline(result.message))
    if report.passed:
        lines.append(f"  All checks of {ex.label} pass. On to the next exercise!")
    else:
        lines.append(f"  Stuck? `make hint EXERCISE={ex.number}` gives a hint for the first check "
                     "that failed.")
    if report.isolation:
        lines.append(f"  {report.isolation}")
    return "\n".join(lines)


def _headline(message: str) -> list[str]:
    """A failure's summary alone: its first line, and the line it announces if it ends in ':'."""
    lines = message.strip().splitlines() or [""]
    return lines[:2] if lines[0].endswith(":") else lines[:1]


def failure_text(result: CheckResult) -> str:
    """Everything a learner needs to see about one failed check."""
    parts = [result.message.rstrip()]
    if result.timeline:
        parts.append(result.timeline.rstrip())
    printed = _not_in_timeline(result.student_output, result.timeline)
    if printed:
        parts.append("What your code printed during this check (the last lines):\n"
                     + textwrap.indent(printed.rstrip(), "  | "))
    return "\n".join(part for part in parts if part)


def _not_in_timeline(printed: str, timeline: str) -> str:
    """What the student's code printed, unless the timeline above already shows every line of it
    (a timeline of printed lines with their times): the same lines twice hide the point."""
    lines = printed.strip().splitlines()
    if timeline and lines and all(line.strip() in timeline for line in lines if line.strip()):
        return ""
    return printed


def results_json(reports: list[ExerciseReport]) -> dict:
    """The Gradescope-style results of the contract."""
    tests = [
        {
            "name": f"{report.exercise.label}: {result.name}",
            "score": result.points,
            "max_score": result.max_points,
            "status": "passed" if result.passed else "failed",
            "tags": list(result.tags),
            "output": "" if result.passed else failure_text(result),
            # The picture alone too (it is also in the output), for the notebooks to draw it.
            "timeline": "" if result.passed else result.timeline,
        }
        for report in reports
        for result in report.results
    ]
    score = sum(report.score for report in reports)
    max_score = sum(report.max_score for report in reports)
    summary = "; ".join(
        f"{r.exercise.label} {_points(r.score)}/{_points(r.max_score)}" for r in reports
    )
    isolations = "".join(  # one line for each different one; the same on one machine
        f"\n{isolation}" for isolation in dict.fromkeys(r.isolation for r in reports) if isolation
    )
    return {
        "score": score,
        "max_score": max_score,
        "output": f"{_points(score)}/{_points(max_score)} points ({summary}){isolations}",
        "isolation": sandbox.chosen().name,  # "bubblewrap", or "guard" (alone)
        "tests": tests,
    }


def write_json(reports: list[ExerciseReport], path: Path) -> None:
    path.write_text(json.dumps(results_json(reports), indent=2, ensure_ascii=False) + "\n")
