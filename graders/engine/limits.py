"""How much a child may take: wall time per step and per exercise, memory, CPU, processes.

The wall-clock limits are the parent's to enforce (graders/engine/parent.py stops the child through
graders/engine/processes.py); the others are set on the child before it runs any Python: by
`limit_child` where the platform has resource limits (Linux, macOS), by a job object on Windows.
Each limit is set only where the platform lets a process set it: macOS refuses RLIMIT_AS, and a
grading is never lost to a limit that cannot be set. Which ones held goes into the report.
"""

from __future__ import annotations

from dataclasses import dataclass

try:
    import resource
except ImportError:  # Windows: no resource limits; a job object holds the child instead
    resource = None

IMPORT_SECONDS = 10.0
"""Wall time for loading the student's modules before the first check."""
CHECK_SECONDS = 10.0
"""Wall time for one check; correct code needs a fraction of a second (time is virtual)."""
EXERCISE_SECONDS = 50.0
"""Wall time for a whole exercise, however many restarts: the contract allows one minute."""
MEMORY_BYTES = 2 * 1024**3
MAX_PROCESSES = 16
"""Processes the student's code may fork in one child (a process pool); it may start no program."""
FILE_BYTES = 64 * 1024**2
"""The largest file the child may write (in its temporary folder)."""
WORKDIR_BYTES = 64 * 1024**2
"""What the child's working folder may hold in all, where no sandbox's tmpfs bounds it: the
parent measures it while it waits for events, and stops a child past it."""
WORKDIR_ENTRIES = 1_000
"""Files and folders the working folder may hold: many small files fill a disk too."""
CPU_SPARE_SECONDS = 5
"""CPU time allowed beyond the exercise's wall time: the wall-clock kill comes first."""


@dataclass
class ChildLimits:
    import_seconds: float = IMPORT_SECONDS
    check_seconds: float = CHECK_SECONDS
    exercise_seconds: float = EXERCISE_SECONDS
    memory_bytes: int = MEMORY_BYTES
    max_processes: int = MAX_PROCESSES

    @property
    def cpu_seconds(self) -> int:
        return int(self.exercise_seconds) + CPU_SPARE_SECONDS


def limit_child(memory_bytes: int, cpu_seconds: int) -> list[str]:
    """Set on this process every resource limit the platform lets it set; the names of those that
    held. Runs in the child between fork and exec (preexec_fn), where an exception would lose the
    whole grading: a limit that cannot be set is skipped instead."""
    if resource is None:
        return []
    wanted = (
        ("memory", "RLIMIT_AS", memory_bytes),
        ("CPU time", "RLIMIT_CPU", cpu_seconds),
        ("core dumps", "RLIMIT_CORE", 0),
        ("file size", "RLIMIT_FSIZE", FILE_BYTES),
    )
    held = []
    for name, constant, value in wanted:
        which = getattr(resource, constant, None)
        if which is None:
            continue
        try:
            _, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)  # a lower limit someone set already stays
            resource.setrlimit(which, (value, value))
        except (OSError, ValueError):  # macOS: RLIMIT_AS cannot be lowered like this
            continue
        held.append(name)
    return held
