"""The kit's one way to run student code in a check (graders.kit.running)."""

from __future__ import annotations

import asyncio
import importlib.util
import threading
import time
import types
from pathlib import Path

import pytest

from graders.kit.capture import PrintedLine
from graders.kit.checks import NOT_WRITTEN_YET, CheckFailed
from graders.kit.context import CheckContext
from graders.kit.running import Counting, StandIn, replaced, run_student, run_student_forever

STUDENT = '''\
import asyncio
import time


async def square(x):
    print(f"Starting square with argument {x}!")
    await asyncio.sleep(3)
    print(f"Finishing square with argument {x}!")
    return x * x


async def fails():
    await asyncio.sleep(1)
    raise ValueError("seven is not welcome")


async def naps():
    time.sleep(2)
    return "rested"


async def blocks():
    time.sleep(0.01)


def heavy(x):
    return x


async def calls_heavy():
    return heavy(5)


async def group_fails():
    async with asyncio.TaskGroup() as group:
        group.create_task(fails())


async def unwritten():
    raise NotImplementedError


async def stops():
    print("stopping")
    asyncio.get_running_loop().stop()
'''


@pytest.fixture
def ctx(tmp_path: Path) -> CheckContext:
    path = tmp_path / "student.py"
    path.write_text(STUDENT)
    spec = importlib.util.spec_from_file_location("student_for_running", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return CheckContext(modules={"student.py": module}, main_file="student.py")


def test_a_run_gives_the_value_its_virtual_seconds_and_the_lines_printed_with_their_times(ctx):
    ran = run_student(ctx, "square(4)", lambda: ctx.module.square(4), echo=False)
    assert ran.value == 16
    assert ran.seconds == pytest.approx(3.0)
    assert ran.printed == [PrintedLine("Starting square with argument 4!", 0.0),
                           PrintedLine("Finishing square with argument 4!", 3.0)]


def test_an_exception_fails_naming_the_call_and_the_students_line(ctx):
    with pytest.raises(CheckFailed) as failed:
        run_student(ctx, "fails()", ctx.module.fails, echo=False)
    assert failed.value.summary == "fails() raised ValueError: seven is not welcome"
    (line,) = failed.value.where  # the student's line, kept as a Frame
    assert line.file == "student.py" and "raise ValueError" in line.code


def test_a_kept_failure_keeps_the_students_error_and_the_seconds_it_took(ctx):
    ran = run_student(ctx, "fails()", ctx.module.fails, keep_failure=True, echo=False)
    assert isinstance(ran.failure, CheckFailed)
    assert isinstance(ran.error, ValueError)
    assert ran.seconds == pytest.approx(1.0)


def test_code_not_written_yet_says_so(ctx):
    with pytest.raises(CheckFailed) as failed:
        run_student(ctx, "unwritten()", ctx.module.unwritten, echo=False)
    assert NOT_WRITTEN_YET in failed.value.summary


def test_a_task_groups_errors_are_shown_one_by_one(ctx):
    with pytest.raises(CheckFailed) as failed:
        run_student(ctx, "group_fails()", ctx.module.group_fails, echo=False)
    assert "inside a task group: ValueError: seven is not welcome" in failed.value.summary
    assert isinstance(failed.value.__cause__, ExceptionGroup)


def test_time_sleep_disarmed_returns_at_once_and_is_noted_with_the_students_line(ctx):
    started = time.monotonic()
    ran = run_student(ctx, "naps()", ctx.module.naps, disarm_sleep=True, echo=False)
    assert time.monotonic() - started < 1.5
    assert ran.value == "rested"
    assert [call.seconds for call in ran.slept] == [2]
    assert "student.py" in ran.slept[0].where and "inside async def naps" in ran.slept[0].where
    assert time.sleep is not None and time.sleep.__module__ == "time"


def test_a_run_that_blocked_the_loop_fails_with_its_blocking_calls_and_the_lesson(ctx):
    with pytest.raises(CheckFailed) as failed:
        run_student(ctx, "blocks()", ctx.module.blocks, watch_blocking=True,
                    blocking_lesson="the loop waits with it", echo=False)
    assert failed.value.summary == "blocks() blocked the event loop, so this check cannot judge it."
    assert "time.sleep" in (failed.value.details or "")
    assert failed.value.why == "the loop waits with it"


def test_watched_blocking_calls_are_only_noted_without_a_lesson(ctx):
    ran = run_student(ctx, "blocks()", ctx.module.blocks, watch_blocking=True,
                      keep_failure=True, echo=False)
    assert [hit.call for hit in ran.blocking] == ["time.sleep"]


def test_things_replaced_meanwhile_are_put_back_also_when_the_run_fails(ctx):
    module = ctx.module
    original = module.heavy
    seen = []
    replacing = ((module, "heavy", lambda x: seen.append(x) or 25), (module, "EXTRA", 1))
    ran = run_student(ctx, "calls_heavy()", module.calls_heavy, replacing=replacing, echo=False)
    assert (ran.value, seen) == (25, [5])
    assert module.heavy is original and not hasattr(module, "EXTRA")
    with pytest.raises(CheckFailed):
        run_student(ctx, "fails()", module.fails, replacing=replacing, echo=False)
    assert module.heavy is original and not hasattr(module, "EXTRA")


def test_replaced_restores_a_class_attribute_it_shadowed_or_removes_one_it_added():
    holder = types.SimpleNamespace(kept=1)
    with replaced(holder, "kept", 2), replaced(holder, "added", 3):
        assert (holder.kept, holder.added) == (2, 3)
    assert holder.kept == 1 and not hasattr(holder, "added")


def test_what_was_printed_is_printed_again_for_the_output_of_a_failure(ctx, capsys):
    run_student(ctx, "square(2)", lambda: ctx.module.square(2))
    assert capsys.readouterr().out.splitlines() == [
        "Starting square with argument 2!", "Finishing square with argument 2!"]


def test_a_stand_in_on_the_loops_thread_notes_the_students_line(ctx):
    stand_in = StandIn(ctx, "heavy", lambda x: x * 10, instead="a thread")
    ran = run_student(ctx, "calls_heavy()", ctx.module.calls_heavy,
                      replacing=((ctx.module, "heavy", stand_in),), echo=False)
    assert ran.value == 50 and stand_in.arguments == [5]
    [call] = stand_in.blocking_calls
    assert (call.call, call.file, call.function, call.instead) == (
        "heavy", "student.py", "calls_heavy", "a thread")
    assert call.code == "return heavy(5)"


def test_a_stand_in_off_the_loops_thread_answers_after_its_hook():
    ctx = CheckContext(modules={}, main_file="student.py")
    stand_in = StandIn(ctx, "heavy", lambda x: x + 1, off_loop=lambda x: f"saw {x}")
    answers = []
    worker = threading.Thread(target=lambda: answers.append(stand_in(4)))
    worker.start()
    worker.join()
    assert answers == [5] and stand_in.off_loop_notes == ["saw 4"]
    assert stand_in.blocking_calls == []


def test_counting_knows_which_calls_started_and_how_many_run():
    seen_running = []

    async def work(x):
        seen_running.append(counting.running)
        await asyncio.sleep(1)
        return x

    counting = Counting(work)
    wrapped = counting.wrapped()

    async def both():
        return await asyncio.gather(wrapped(1), wrapped(2))

    ctx = CheckContext(modules={}, main_file="student.py")
    assert run_student(ctx, "both()", both, echo=False).value == [1, 2]
    assert counting.started == [1, 2] and seen_running == [1, 2] and counting.running == 0


def test_a_loop_run_forever_stops_when_the_student_stops_it(ctx):
    ran = run_student_forever(ctx, "stops()", lambda loop: loop.create_task(ctx.module.stops()),
                              guard_after=10, echo=False)
    assert ran.value is False
    assert ran.texts == ["stopping"]


def test_a_loop_nobody_stops_is_stopped_by_the_grader_after_the_guard(ctx):
    ran = run_student_forever(ctx, "square(3)",
                              lambda loop: loop.create_task(ctx.module.square(3)),
                              guard_after=10, echo=False)
    assert ran.value is True and ran.seconds == pytest.approx(10.0)

