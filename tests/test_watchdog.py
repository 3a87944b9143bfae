"""Blocking found by what happens: the watched time.sleep (graders/kit/watched.py) and the watchdog
on a check's event loop (graders/kit/watchdog.py)."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from graders.kit import watched
from graders.kit.blocking import RuntimeWatch
from graders.kit.vtime import run_virtual
from graders.kit.watchdog import LoopHeld

STUDENT = '''\
import asyncio
import select
import time
from time import sleep

pause = time.sleep


async def naps():
    sleep(30)
    pause(30)
    return "rested"


async def spins():
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline: pass  # one line, whatever instruction is sampled
    return "spun"


async def waits_in_select():
    select.select([], [], [], 30)
    return "waited"


async def spins_in_every_task():
    return await asyncio.gather(spins(), spins(), spins(), return_exceptions=True)


def nap_off_the_loop():
    sleep(0.001)
    return "rested"


def says_hello():
    stdout.write("hello\\n")
'''


@pytest.fixture
def student(tmp_path: Path) -> Iterator[ModuleType]:
    """A student's module, imported with time.sleep watched, as the child imports one."""
    path = tmp_path / "student_code.py"
    path.write_text(STUDENT)
    real_sleep, files = time.sleep, set(watched._student_files)
    watched.install([path])
    try:
        spec = importlib.util.spec_from_file_location("student_code", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        time.sleep = real_sleep
        watched._student_files.clear()
        watched._student_files.update(files)


def test_a_sleep_bound_at_import_never_sleeps_on_the_loop(student):
    started = time.perf_counter()
    assert run_virtual(student.naps, call="naps()").value == "rested"
    assert time.perf_counter() - started < 20  # not the 60 s the two sleeps ask for


def test_a_sleep_bound_at_import_is_named_by_a_watch_with_its_line(student):
    watch = RuntimeWatch([student])
    with watch.watching(), pytest.raises(Exception, match=r"time\.sleep"):
        run_virtual(student.naps, call="naps()")
    assert [(hit.call, hit.line, hit.code) for hit in watch.hits] == [
        ("time.sleep", 10, "sleep(30)")]


def test_a_watch_narrowed_to_sockets_lets_the_sleep_return_at_once(student):
    watch = RuntimeWatch([student])
    with watch.watching(only=("socket.",)):
        assert run_virtual(student.naps, call="naps()").value == "rested"
    assert watch.hits == []


def test_the_watched_sleep_sleeps_off_the_loop(student):
    assert student.nap_off_the_loop() == "rested"


def test_a_busy_loop_on_the_event_loop_is_interrupted_and_named(student):
    watch = RuntimeWatch([student])
    with watch.watching(), pytest.raises(LoopHeld) as held:
        run_virtual(student.spins, call="spins()")
    assert "student_code.py:17 while time.monotonic() < deadline: pass" in str(held.value)
    assert [(hit.call, hit.line, hit.function) for hit in watch.hits] == [
        ("held the event loop", 17, "spins")]


def test_a_blocking_call_no_list_names_is_interrupted_after_a_long_real_hold(student):
    # select.select is not a blocking call blockbuster knows: the watchdog's real-time bound
    # catches it, and its signal cuts the 30 s wait short.
    with pytest.raises(LoopHeld) as held:
        run_virtual(student.waits_in_select, call="waits_in_select()")
    assert "student_code.py:22 select.select([], [], [], 30)" in str(held.value)


def test_every_busy_task_of_a_held_turn_is_interrupted(student):
    with pytest.raises(LoopHeld):
        run_virtual(student.spins_in_every_task, call="spins_in_every_task()")
