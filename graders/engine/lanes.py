"""Several gradings at once, one per lane: how `python -m graders check` uses every core, for the
exercises of a submission and for the checks of one exercise.

A lane is a thread of the parent, kept for the process's life in a pool, that runs what it is
given. Each lane forks its children with fork servers of its own (graders/engine/forkserver.py,
or inside the sandbox graders/engine/sandboxserver.py): a server's answers are read in order by
the one thread that asked, and since lanes live on, so do their servers (`watch` grades again
without starting any). The children of two lanes are two processes on two cores; the parent only
waits for their events and judges them, in milliseconds. `in_lanes` gives results in the jobs'
order, each as soon as it and all before it are done, so a report reads the same as one graded
in turn. A lane with no job left helps those still running (a `check` of several exercises: it
shares the checks of the one with the most left, graders/engine/parent.py).

What keeps verdicts the same: every check that measures time runs on the child's virtual clock,
and the real-time checks (01's farm in a thread, 02's threaded dinner) are built to hold on a
loaded machine; the bench's load runs check both.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import TypeVar

MAX_LANES = 4
"""Lanes at most: past a few, the servers' start-up (one interpreter and the stack's imports
each) costs more than the cores save, and memory grows with every lane."""

T = TypeVar("T")


class Lane(threading.Thread):
    """A thread of the pool: it runs what it is given, for as long as the process lives."""

    def __init__(self, work: queue.SimpleQueue[Callable[[], object]], name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.work = work

    def run(self) -> None:
        while True:
            self.work.get()()


_work: queue.SimpleQueue[Callable[[], object]] = queue.SimpleQueue()
_pool: list[Lane] = []
_pool_pid: int | None = None
_pool_lock = threading.Lock()


def _ensure_lanes(count: int) -> None:
    global _work, _pool, _pool_pid
    with _pool_lock:
        if _pool_pid != os.getpid():  # a forked copy of the process has none of its threads
            _work, _pool, _pool_pid = queue.SimpleQueue(), [], os.getpid()
        while len(_pool) < count:
            lane = Lane(_work, name=f"awaitlings-lane-{len(_pool) + 1}")
            lane.start()
            _pool.append(lane)


def may_own_servers(thread: threading.Thread | None = None) -> bool:
    """Whether `thread` (this one by default) forks with servers of its own: the main thread and
    lanes do; any other thread starts its children as programs."""
    thread = thread or threading.current_thread()
    return thread is threading.main_thread() or isinstance(thread, Lane)


ONE_EXERCISE_LANES = 2
"""Lanes for the checks of a single exercise: two children side by side nearly halve its checks'
time. Inside the sandbox both fork from one server (graders/engine/sandboxserver.py's
GradingServer), so two idle cores are enough; elsewhere each lane starts a server of its own,
whose start takes the core the first one's needs on a machine of two (measured there: no
faster), so that there a core more is asked for."""


def lane_count(gradings: int) -> int:
    """How many lanes `gradings` gradings are worth on this machine now: one per core that is
    not busy already (a lane on a busy core only starts one more server), at most MAX_LANES,
    never more than the gradings."""
    return max(1, min(gradings, MAX_LANES, idle_cores()))


def idle_cores() -> int:
    """The cores not kept busy by other work now: on Linux by the processes running at this
    instant (/proc/loadavg, this one left out), elsewhere by the last minute's load average;
    every core where the system says neither."""
    cores = os.cpu_count() or 1
    return max(1, cores - busy_cores())


@cache
def busy_cores() -> int:
    """Read once per process: the servers started early and the lanes then used agree."""
    try:
        with open("/proc/loadavg") as loadavg:
            running = loadavg.read().split()[3].partition("/")[0]
        return max(0, int(running) - 1)
    except (OSError, IndexError, ValueError):
        pass
    try:
        return int(os.getloadavg()[0])
    except (AttributeError, OSError):  # Windows has no load average
        return 0


def lanes_for(exercises: int, one_server: bool = False) -> int:
    """The lanes of a `check` of `exercises` exercises: one per exercise as the machine allows;
    for a single one, ONE_EXERCISE_LANES sharing its checks, forking from `one_server` (the
    sandbox's) where a core is idle for each, else where a core is left over besides."""
    if exercises > 1:
        return lane_count(exercises)
    needed = ONE_EXERCISE_LANES if one_server else ONE_EXERCISE_LANES + 1
    return ONE_EXERCISE_LANES if idle_cores() >= needed else 1


def servers_for(exercises: int) -> int:
    """The sandbox's servers a `check` of `exercises` exercises starts ahead: one per lane; a
    single exercise's lanes share one. (The cores are read now, before any server is busy.)"""
    lanes = lane_count(exercises)
    return lanes if exercises > 1 else 1


def in_lanes(jobs: Sequence[Callable[[], T]], lanes: int,
             when_idle: Callable[[], bool] = lambda: False) -> Iterator[T]:
    """Each job's result, in the jobs' order, as soon as it and every job before it are done;
    the jobs run in `lanes` lanes, each taking the next job not yet taken, and a lane that finds
    none left calls `when_idle` until it says it found nothing more to do (graders/engine/
    parent.py: share_a_grading, the checks of a job still running). With one lane, or called
    from a lane (which would wait on itself), they run here, one after another. A job that
    raises raises here, when its turn comes."""
    if lanes <= 1 or len(jobs) <= 1 or isinstance(threading.current_thread(), Lane):
        for job in jobs:
            yield job()
        return
    done: dict[int, tuple[bool, object]] = {}
    taken = iter(range(len(jobs)))
    changed = threading.Condition()

    def take_jobs() -> None:
        while True:
            with changed:
                index = next(taken, None)
            if index is None:
                with contextlib.suppress(Exception):  # only help: the jobs' owners report
                    while when_idle():
                        pass
                return
            try:
                outcome: tuple[bool, object] = (True, jobs[index]())
            except BaseException as error:  # raised again in the caller's thread
                outcome = (False, error)
            with changed:
                done[index] = outcome
                changed.notify_all()

    count = min(lanes, len(jobs))
    _ensure_lanes(count)
    for _ in range(count):
        _work.put(take_jobs)
    for index in range(len(jobs)):
        with changed:
            while index not in done:
                changed.wait(timeout=0.5)  # a timeout keeps Ctrl-C heard on every platform
            ok, value = done.pop(index)
        if not ok:
            raise value  # type: ignore[misc]
        yield value  # type: ignore[misc]
