"""The engine's own sentences for the learner: what happened when the child could not answer for
a check itself (it hung, exited, forked too much, or the student's modules did not load), and what
the child says when the student's code did what the grader does not allow.

The parent's are Failures (graders/kit/failure.py), built from what it observed; the parent
(graders/engine/parent.py) and the child decide when, this module only what is said.
"""

from __future__ import annotations

import signal

from graders.engine.integrity import describe_changes
from graders.engine.limits import WORKDIR_BYTES, WORKDIR_ENTRIES, ChildLimits
from graders.kit.failure import Failure, Frame

MEMORY_NOTE = (
    "Your code ran out of the memory the grader allows (MemoryError). Does something grow "
    "without end: a list, a string, a queue nobody reads?"
)
NONE_COULD_RUN = "None of this exercise's checks could run."
MAX_REFUSALS_SHOWN = 6


def reported_import_failure(message: str) -> Failure:
    """The child's own account of why the student's modules did not load."""
    return Failure(f"{message}\n{NONE_COULD_RUN}")


def import_stopped(
    ended: str, returncode: int | None, module: str, limits: ChildLimits, printed: str,
    where: tuple[Frame, ...] = (),
) -> Failure:
    """The child was stopped, or ended, while it imported the student's modules."""
    shown = f"\nWhat it printed last:\n{printed}" if printed else ""
    if ended == "processes":
        return Failure(
            too_many_processes(limits, f"while {module} was being imported")
            + f"\n{NONE_COULD_RUN}", where=where, stopped="processes",
        )
    if ended == "disk":
        return Failure(overfilled_folder(f"while {module} was being imported")
                       + f"\n{NONE_COULD_RUN}", where=where, stopped="disk")
    if ended == "budget":  # a new child, after checks that used up the time
        return budget_spent(limits)
    if ended == "timeout":
        return Failure(
            f"Importing {module} did not finish within {limits.import_seconds:.0f} s, so it was "
            "stopped and none of this exercise's checks could run. Code at the top level of a "
            "module runs on import: a loop that never ends, or a server started there "
            "(run_app, run_forever), never lets the import finish. Put it under "
            f'if __name__ == "__main__":{shown}', where=where, stopped="hang",
        )
    return Failure(
        f"The grading process ended while it was importing {module} "
        f"({exit_description(returncode)}), so none of this exercise's checks could run. "
        "Code at the top level of a module runs on import: does it call sys.exit or os._exit, "
        f"or use too much memory?{shown}", stopped="exit",
    )


def overfilled_folder(when: str) -> str:
    return (
        f"Your code filled its working folder {when}: more than {WORKDIR_BYTES // 1024**2} MB "
        f"or more than {WORKDIR_ENTRIES:,} files, so the grading process was stopped. No "
        "solution of this exercise writes files: look for a loop that writes without end."
    )


def too_many_processes(limits: ChildLimits, when: str) -> str:
    return (
        f"Your code started more than {limits.max_processes} processes {when}, so the grading "
        "process was stopped with all of them. A process that starts processes without end (a "
        "fork storm) would take the whole machine down. No solution of this exercise needs more "
        "than a few processes, and none needs os.fork."
    )


def check_stopped(
    ended: str, returncode: int | None, limits: ChildLimits, refused: list[str],
    where: tuple[Frame, ...] = (),
) -> Failure:
    """The check did not end by itself: it hung, its process ended, or it forked too much."""
    details = None
    if refused:
        details = "Before that, your code tried what the grader does not allow:\n" + "\n".join(
            f"  {entry[:300]}" for entry in refused[:MAX_REFUSALS_SHOWN]
        )
    if ended == "processes":
        return Failure(too_many_processes(limits, "during this check"), details=details,
                       where=where, stopped="processes")
    if ended == "disk":
        return Failure(overfilled_folder("during this check"), details=details, where=where,
                       stopped="disk")
    if ended in ("timeout", "budget"):
        stopped = (
            f"This check did not finish within {limits.check_seconds:.0f} s of wall time"
            if ended == "timeout" else
            f"This check was still running when this exercise's {limits.exercise_seconds:.0f} s "
            "of wall time ran out (earlier checks that did not finish used most of it)"
        )
        return Failure(
            f"{stopped}, so it was stopped. Time is virtual here: correct code takes a fraction of "
            "a second. Something never gives control back: a loop that never awaits, a blocking "
            "call, or a wait for something that never happens.",
            details=details, where=where, stopped="hang",
        )
    return Failure(
        f"Your code ended the grading process during this check "
        f"({exit_description(returncode)}). Does it call os._exit or sys.exit, kill its own "
        "process, or use too much memory?", details=details, where=where, stopped="exit",
    )


def exit_description(returncode: int | None) -> str:
    if returncode is None:
        return "it stopped answering"
    if returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else "?"
        return f"killed by signal {-returncode}, {name}"
    return f"exit status {returncode}"


def budget_spent(limits: ChildLimits) -> Failure:
    return Failure(
        f"Not run: this exercise's grading used up its {limits.exercise_seconds:.0f} s of wall "
        "time on earlier checks that did not finish."
    )


def unexplained() -> Failure:
    """A failed result that came without its failure: never from the grader's own child."""
    return Failure("This check failed without a reason the grader could read.")


def grader_failed(error: BaseException) -> Failure:
    """The grader itself went wrong while it ran or judged this check: not the learner's doing,
    as far as it can tell, and nothing could be judged."""
    return Failure(
        f"The grader could not judge this check: it met an error of its own "
        f"({type(error).__name__}: {str(error)[:300]}), so the check gets no points.",
        advice="grade again; if it happens again, show this message to your teacher, with the "
        "files you handed in.",
    )


def refusal_message(refused: list[str], read_solution: bool, when: str) -> str:
    if read_solution:
        return (
            f"Your code tried to load the reference solution {when}. That is not allowed: this "
            "submission is flagged, and the check fails. Write the exercise in your own file, "
            "with your own code.\n" + "\n".join(f"  {entry}" for entry in refused)
        )
    return (
        f"Your code tried to do what the grader does not allow {when}:\n"
        + "\n".join(f"  {entry}" for entry in refused)
        + "\nNo solution of this exercise needs that: no programs, no more than a few processes, "
        "no files written outside the grading folder, no network but 127.0.0.1."
    )


def tamper_message(changed: list[str], when: str) -> str:
    return (
        f"Your code replaced what Python or the grader rely on {when}: "
        f"{describe_changes(changed)}. The checks cannot trust what they measure after that, so "
        "this fails. Leave Python's, its libraries' and the grader's functions as they are, and "
        "write your own functions instead."
    )
