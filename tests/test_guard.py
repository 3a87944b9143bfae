"""The parts of the grader's defences, one at a time: the integrity record, the plain comparison,
and the parent's count of the child's processes."""

from __future__ import annotations

import asyncio
import os
import sys
import time
import types
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from graders.engine import childrun, processes, stopgaps
from graders.engine import parent as sandbox
from graders.engine.integrity import Integrity
from graders.engine.stopgaps import Stopgaps
from graders.kit.blocking import RuntimeWatch
from graders.kit.capture import MAX_CHARS, OutputRecorder, recording_stdout
from graders.kit.plain import plainly_equal
from graders.kit.vtime import FakeClock, run_virtual


async def _grader_like_work() -> str:
    """What checks of every exercise do: sleeps, tasks, threads, an aiohttp server and client."""
    await asyncio.sleep(1)
    await asyncio.gather(asyncio.sleep(2), asyncio.to_thread(sum, [1, 2]))
    await asyncio.get_running_loop().run_in_executor(None, abs, -1)
    async with asyncio.TaskGroup() as group:
        group.create_task(asyncio.sleep(1))

    async def hello(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text="hi")

    app = web.Application()
    app.router.add_get("/", hello)
    async with (
        TestServer(app, host="127.0.0.1", port=0) as server,
        aiohttp.ClientSession() as session,
        session.get(server.make_url("/")) as response,
    ):
        return await response.text()


def test_the_graders_own_work_changes_nothing_the_record_watches():
    record = Integrity.of_loaded_modules()
    with recording_stdout():
        assert run_virtual(_grader_like_work, call="work").value == "hi"
    watch = RuntimeWatch([sys.modules[__name__]])
    with watch.watching():
        pass
    clock = FakeClock()
    clock.sleep(1)
    assert record.changes() == []


def test_a_replaced_function_or_method_is_named_and_put_back():
    record = Integrity.of_loaded_modules()
    real_sleep, real_time = asyncio.sleep, asyncio.BaseEventLoop.time
    try:
        asyncio.sleep = lambda delay: None
        asyncio.BaseEventLoop.time = lambda self: 0.0
        changed = record.changes()
        assert "asyncio.sleep" in changed
        assert "asyncio.base_events.BaseEventLoop.time" in changed
        record.restore()
        assert asyncio.sleep is real_sleep and asyncio.BaseEventLoop.time is real_time
        assert record.changes() == []
    finally:
        asyncio.sleep, asyncio.BaseEventLoop.time = real_sleep, real_time


_CACHED = None
"""A module's cache, as platform._uname_cache: data, filled on first use."""


def test_data_rebound_is_no_change_and_leaves_the_fast_path_answering():
    global _CACHED
    record = Integrity.of_loaded_modules()
    real_sleep = asyncio.sleep
    try:
        _CACHED = ("filled", 1)
        assert record._unchanged() and record.changes() == []
        asyncio.sleep = lambda delay: None
        assert not record._unchanged()
        assert "asyncio.sleep" in record.changes()
    finally:
        asyncio.sleep, _CACHED = real_sleep, None


def _no_defaults(a, b):
    return a


def _some_defaults(a, b=1, *, c=2):
    return a


def _other(a, b):
    return b


@pytest.mark.parametrize("attribute, value", [
    ("__code__", _other.__code__),
    ("__defaults__", (5,)),
    ("__kwdefaults__", {"c": 3}),
    ("__module__", "elsewhere"),
])
@pytest.mark.parametrize("function", [_no_defaults, _some_defaults])
def test_a_functions_attribute_changed_in_place_is_named(function, attribute, value):
    saved = getattr(function, attribute)
    record = Stopgaps([_other, function, _other], lambda f: f.__qualname__, tuple)
    assert record.changes() == []
    try:
        setattr(function, attribute, value)
        assert record.changes() == [f"{function.__qualname__}.{attribute}"]
    finally:
        setattr(function, attribute, saved)
    assert record.changes() == []


@pytest.mark.parametrize("attribute, value", [
    ("__code__", _other.__code__),
    ("__defaults__", (5,)),
    ("__module__", "elsewhere"),
])
def test_attributes_read_in_the_fork_server_make_the_same_record(
    attribute: str, value: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stopgaps, "_read_in_server", {})
    functions = [_other, _some_defaults, _no_defaults]
    read_here = Stopgaps(functions, lambda f: f.__qualname__, tuple)
    stopgaps.read_before([_other, _some_defaults, 3, "not a function"])  # _no_defaults unread
    assert set(stopgaps._read_in_server) == {_other, _some_defaults}
    from_server = Stopgaps(functions, lambda f: f.__qualname__, tuple)
    assert from_server._attributes == read_here._attributes
    saved = getattr(_some_defaults, attribute)
    try:
        setattr(_some_defaults, attribute, value)
        assert from_server.changes() == [f"_some_defaults.{attribute}"]
    finally:
        setattr(_some_defaults, attribute, saved)
    assert from_server.changes() == []


def test_attributes_read_before_a_module_was_loaded_are_forgotten(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stopgaps, "_read_in_server", {})
    stopgaps.read_before([_other])
    stopgaps.forget_if_stale()
    assert _other in stopgaps._read_in_server  # nothing loaded since: kept
    monkeypatch.setitem(sys.modules, "grader_test_new_module", types.ModuleType("new"))
    stopgaps.forget_if_stale()
    assert stopgaps._read_in_server == {}


def test_what_a_function_makes_on_first_read_is_no_change():
    def annotated(a: int) -> int:
        return a

    record = Stopgaps([annotated], lambda f: f.__qualname__, tuple)
    annotated.__dict__["note"] = 1  # its __dict__ and __annotations__ made now
    assert annotated.__annotations__
    assert record.changes() == []
    annotated.__defaults__ = (1,)
    assert record.changes() == ["test_what_a_function_makes_on_first_read_is_no_change."
                                "<locals>.annotated.__defaults__"]


def test_a_name_added_is_no_change_and_a_replacement_after_it_is_named():
    record = Integrity.of_loaded_modules()
    real_sleep = asyncio.sleep
    try:
        asyncio.grader_test_note = "a module's cache"  # a new name: not the student's doing
        assert record.changes() == []
        asyncio.sleep = lambda delay: None
        assert "asyncio.sleep" in record.changes()
    finally:
        asyncio.sleep = real_sleep
        del asyncio.grader_test_note
    assert record.changes() == []


def test_functions_swapped_under_each_others_names_are_named(monkeypatch):
    module = types.ModuleType("swapped_for_the_test")
    exec("def equal(a, b):\n    return a == b\n\ndef always(a, b):\n    return True\n",
         module.__dict__)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    record = Integrity.of_loaded_modules()
    namespace = module.__dict__
    entries = list(namespace.items())
    namespace.clear()  # the same values in the same order, each under the other's name
    names = [name for name, _ in entries]
    swap = {"equal": "always", "always": "equal"}
    namespace.update((swap.get(name, name), value) for name, value in entries)
    assert [name for name in namespace] == [swap.get(name, name) for name in names]
    changed = record.changes()
    assert "swapped_for_the_test.equal" in changed and "swapped_for_the_test.always" in changed


class AlwaysEqual:
    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False


@pytest.mark.parametrize("actual, expected", [
    ([1000, 4, 125], [1000, 4, 125]), (6.0, 6), ("done", "done"), ({"a": [1]}, {"a": [1]}),
    ((1, None), (1, None)), ({1, 2}, {2, 1}),
])
def test_plain_values_compare_as_usual(actual, expected):
    assert plainly_equal(actual, expected)


@pytest.mark.parametrize("actual, expected", [
    (AlwaysEqual(), 8), ([AlwaysEqual()] * 3, [1000, 4, 125]), ((1, 2), [1, 2]),
    ({"a": AlwaysEqual()}, {"a": 1}), ([1, 2], [1, 2, 3]), (True, 1),
])
def test_objects_of_the_students_own_never_compare_equal(actual, expected):
    assert not plainly_equal(actual, expected)


def test_a_line_that_never_ends_is_not_held_whole():
    recorder = OutputRecorder()
    for _ in range(50):
        recorder.write("x" * 100_000)
    recorder.finish()
    assert sum(len(line.text) for line in recorder.lines) <= MAX_CHARS


STORM = """
import os, time
for _ in range(30):  # bounded: 30 sleepers at most
    if os.fork() == 0:
        time.sleep(30)
        os._exit(0)
time.sleep(30)
"""


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="counts processes through /proc")
def test_the_parent_stops_a_storm_that_got_past_the_child():
    limits = sandbox.ChildLimits(import_seconds=20, max_processes=4)
    child = processes.start_child(
        [sys.executable, "-c", STORM], env=os.environ, cwd=os.getcwd(), limits=limits
    )
    started = time.monotonic()
    try:
        run = childrun.collect(childrun.Run(), child, limits, started + 20, "secret")
    finally:
        child.stop()
    assert run.ended == "processes"
    assert time.monotonic() - started < 10
    time.sleep(0.2)
    assert not processes._group_size(child.process.pid)
