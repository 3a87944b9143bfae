"""The grader's answers: the report for a person, and the Gradescope-style results file.

The report is built as lines that know what they are (a check's mark, a labelled part of a
failure, a chart, what the student's code printed), from the fields of each result and its
Failure. The plain text is those lines joined; a terminal (graders/learner/terminal.py) colours and
wraps the same lines by what they are, so the coloured and the plain report never say different
things, and nothing reads the text back to find out what a line was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from graders.engine import sandbox
from graders.kit.checks import CheckResult
from graders.kit.failure import LABEL_WIDTH, LABELS, Failure
from graders.manifest import Exercise

Kind = Literal[
    "title", "check", "summary", "expected", "actual", "why", "try", "first", "details", "where",
    "note", "chart", "printed", "aside",
]
FAILURE_INDENT = 6
"""Where a failure's lines start, under its check's line."""


@dataclass(frozen=True)
class Line:
    """One line of a report, with what it is."""

    text: str
    """The line's text, after its indent and its label."""
    kind: Kind = "summary"
    indent: int = 0
    label: str = ""
    """"expected", "actual", "why", "try" or "first" on the first line of that part; "✓" or "✗"
    on a check's line."""
    wraps: bool = True
    """Prose, which a narrow terminal may wrap under its label; charts and printed lines never."""

    @property
    def hang(self) -> int:
        """The column where the text starts: wrapped lines go on from there."""
        if self.kind == "check":
            return self.indent + len(self.label) + 1
        return self.indent + (LABEL_WIDTH if self.kind in LABELS else 0)

    @property
    def head(self) -> str:
        """The indent and the label, as the plain text shows them."""
        if self.kind == "check":
            return " " * self.indent + self.label + " "
        if self.label:
            return " " * self.indent + f"{self.label + ':':<{LABEL_WIDTH}}"
        return " " * self.hang

    @property
    def plain(self) -> str:
        return (self.head + self.text).rstrip()


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
            CheckResult(check.name, 0.0, check.points, False, check.tags, Failure(why),
                        id=check.id)
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


def report_lines(report: ExerciseReport, *, only_first_failure: bool = False) -> list[Line]:
    """The report for a person. With only_first_failure (check and watch, unless verbose), the
    failures after the first show their headline only: one thing to fix at a time."""
    ex = report.exercise
    shown_in_full = 0
    said: dict[Failure, str] = {}  # each failure shown in full, by the check that showed it
    lines = [Line(f"{ex.label}: {ex.title}  —  {_points(report.score)}/"
                  f"{_points(report.max_score)} points", "title", wraps=False)]
    for result in report.results:
        tags = ", ".join(result.tags)
        lines.append(Line(
            f"{result.name}  ({_points(result.points)}/{_points(result.max_points)}, {tags})",
            "check", indent=2, label="✓" if result.passed else "✗",
        ))
        if result.passed:
            continue
        if result.failure in said:  # an import that failed fails every check the same way
            lines.append(Line(f"(the same reason as “{said[result.failure]}” above)",
                              "aside", indent=FAILURE_INDENT))
            continue
        if result.failure is not None:
            said.setdefault(result.failure, result.name)
        if shown_in_full == 0 or not only_first_failure:
            lines.extend(failure_lines(result, FAILURE_INDENT))
            shown_in_full += 1
        elif result.failure is not None:
            lines.extend(Line(text, indent=FAILURE_INDENT)
                         for text in result.failure.headline().splitlines())
    if report.passed:
        lines.append(Line(f"All checks of {ex.label} pass. On to the next exercise!", indent=2))
    else:
        lines.append(Line(f"Stuck? `make hint EXERCISE={ex.number}` gives a hint for the first "
                          "check that failed.", "aside", indent=2))
    if report.isolation:
        lines.append(Line(report.isolation, "aside", indent=2))
    return lines


def render_text(report: ExerciseReport, *, only_first_failure: bool = False) -> str:
    return join(report_lines(report, only_first_failure=only_first_failure))


def join(lines: list[Line]) -> str:
    return "\n".join(line.plain for line in lines)


def failure_lines(result: CheckResult, indent: int = 0) -> list[Line]:
    """Everything a learner needs to see about one failed check."""
    lines = _parts_lines(result.failure, indent) if result.failure is not None else []
    lines.extend(Line(text, "chart", indent, wraps=False)
                 for text in result.timeline.rstrip().splitlines())
    printed = _not_in_timeline(result.student_output, result.timeline)
    if printed.strip():
        lines.append(Line("What your code printed during this check (the last lines):", "note",
                          indent))
        lines.extend(Line("  | " + text, "printed", indent, wraps=False)
                     for text in printed.rstrip().splitlines())
    return lines


def _parts_lines(failure: Failure, indent: int) -> list[Line]:
    lines: list[Line] = []
    for kind, text in failure.parts():
        first, *rest = text.splitlines() or [""]
        if kind in LABELS:
            lines.append(Line(first, kind, indent, label=kind))
            lines.extend(Line(more, kind, indent) for more in rest)
        else:
            lines.extend(Line(each, kind, indent) for each in [first, *rest])
    return lines


def failure_text(result: CheckResult) -> str:
    """The failure as plain text: what the JSON results carry, and what the report shows."""
    return join(failure_lines(result))


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
