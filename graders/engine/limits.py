"""How much a child may take: wall time per step and per exercise, memory, CPU, processes.

The wall-clock limits are the parent's to enforce (graders/engine/parent.py kills the child's
process group); the others are set in the child before it runs any Python (`limit_child`).
"""

from __future__ import annotations

import resource
from dataclasses import dataclass

IMPORT_SECONDS = 10.0
"""Wall time for loading the student's modules before the first check."""
CHECK_SECONDS = 10.0
"""Wall time for one check; correct code needs a fraction of a second (time is virtual)."""
EXERCISE_SECONDS = 50.0
"""Wall time for a whole exercise, however many restarts: the contract allows one minute."""
MEMORY_BYTES = 2 * 1024**3
MAX_PROCESSES = 16
"""Processes the student's code may fork in one child (a process pool); it may start no program."""


@dataclass
class ChildLimits:
    import_seconds: float = IMPORT_SECONDS
    check_seconds: float = CHECK_SECONDS
    exercise_seconds: float = EXERCISE_SECONDS
    memory_bytes: int = MEMORY_BYTES
    max_processes: int = MAX_PROCESSES


def limit_child(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024**2, 64 * 1024**2))
