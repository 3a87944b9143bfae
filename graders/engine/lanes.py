"""Several gradings at once, one per lane: how `python -m graders check` grades every exercise of
a submission on every core instead of one after another.

A lane is a thread of the parent that runs gradings, taking the next one not yet taken. Each lane
forks its children with fork servers of its own (graders/engine/forkserver.py, or inside the
sandbox graders/engine/sandboxserver.py): a server's answers are read in order by the one thread
that asked, and a lane shuts its servers down when it ends. The children of two lanes are two
processes on two cores; the parent only waits for their events and judges them, in milliseconds.
Results come back in the gradings' order, each as soon as it and all before it are done, so a
report reads the same as one graded in turn.

What keeps verdicts the same: every check that measures time runs on the child's virtual clock,
and the real-time checks (01's farm in a thread, 02's threaded dinner) are built to hold on a
loaded machine; the bench's load runs check both.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

MAX_LANES = 4
"""Lanes at most: past a few, the servers' start-up (one interpreter and the stack's imports
each) costs more than the cores save, and memory grows with every lane."""

T = TypeVar("T")


_at_lane_end: list[Callable[[], object]] = []


def at_lane_end(shut_down_own: Callable[[], object]) -> Callable[[], object]:
    """Have every lane call `shut_down_own` as it ends (the fork server modules register the
    shut-down of the lane's own server; this module imports neither)."""
    _at_lane_end.append(shut_down_own)
    return shut_down_own


class Lane(threading.Thread):
    """A thread that grades: it may start fork servers of its own, which live as long as it."""

    def __init__(self, work: Callable[[], None], name: str) -> None:
        super().__init__(target=self._run_then_shut_down, args=(work,), name=name, daemon=True)

    @staticmethod
    def _run_then_shut_down(work: Callable[[], None]) -> None:
        try:
            work()
        finally:
            for shut_down_own in _at_lane_end:
                shut_down_own()


def may_own_servers(thread: threading.Thread | None = None) -> bool:
    """Whether `thread` (this one by default) forks with servers of its own: the main thread and
    lanes do; any other thread starts its children as programs."""
    thread = thread or threading.current_thread()
    return thread is threading.main_thread() or isinstance(thread, Lane)


def lane_count(gradings: int) -> int:
    """How many lanes `gradings` gradings are worth on this machine: one per core, at most
    MAX_LANES, never more than the gradings."""
    return max(1, min(gradings, MAX_LANES, os.cpu_count() or 1))


def in_lanes(jobs: Sequence[Callable[[], T]], lanes: int) -> Iterator[T]:
    """Each job's result, in the jobs' order, as soon as it and every job before it are done;
    the jobs run in `lanes` lanes (in this thread, one after another, for one lane). A job that
    raises raises here, when its turn comes."""
    if lanes <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield job()
        return
    done: dict[int, tuple[bool, object]] = {}
    taken = iter(range(len(jobs)))
    changed = threading.Condition()

    def work() -> None:
        while True:
            with changed:
                index = next(taken, None)
            if index is None:
                return
            try:
                outcome: tuple[bool, object] = (True, jobs[index]())
            except BaseException as error:  # raised again in the caller's thread
                outcome = (False, error)
            with changed:
                done[index] = outcome
                changed.notify_all()

    for number in range(min(lanes, len(jobs))):
        Lane(work, name=f"awaitlings-lane-{number + 1}").start()
    for index in range(len(jobs)):
        with changed:
            while index not in done:
                changed.wait(timeout=0.5)  # a timeout keeps Ctrl-C heard on every platform
            ok, value = done.pop(index)
        if not ok:
            raise value  # type: ignore[misc]
        yield value  # type: ignore[misc]
