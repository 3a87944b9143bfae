"""The table of beginners' mistakes: each one is recognised, and none is hidden by an earlier one.

Every mistake's example gets that mistake's advice, not the advice of one above it: that is the
order rule of the table, kept by a test instead of a comment. The errors below the table's own
examples are real ones, raised by running the mistakes, so that a Python whose messages change
is caught here.
"""

from __future__ import annotations

import asyncio
import threading
import types
from collections.abc import Callable

import pytest

from graders.kit.advice import MISTAKES, Mistake, advice_for, mistake_for


def raised_in(function: str, error: BaseException) -> BaseException:
    """The error, raised (so with a traceback) in a function of that name."""
    def raiser() -> None:
        raise error

    raiser.__code__ = raiser.__code__.replace(co_name=function, co_qualname=function)
    try:
        raiser()
    except BaseException as caught:
        return caught
    raise AssertionError("unreachable")


def example_error(mistake: Mistake) -> BaseException:
    """An error like the real ones of this mistake: its example message, of its first kind,
    raised where the mistake says."""
    error = (mistake.kinds[0] if mistake.kinds else Exception)(mistake.example)
    return raised_in(mistake.raised_in or "student_code", error)


def test_every_mistake_has_a_name_of_its_own():
    names = [mistake.mistake for mistake in MISTAKES]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda mistake: mistake.mistake)
def test_each_mistake_gets_its_own_advice_for_its_example_not_an_earlier_ones(mistake: Mistake):
    error = example_error(mistake)
    found = mistake_for(error)
    assert found is mistake, (
        f"{mistake.mistake!r}: its example {error!r} gets the advice of "
        f"{found.mistake if found else 'no mistake'!r}: put it above that one, or make its "
        "example one that only it fits")
    assert advice_for(error) == mistake.advice


def test_a_list_handed_to_anything_but_gather_gets_no_gather_advice():
    error = raised_in("sorted", TypeError("unhashable type: 'list'"))
    assert advice_for(error) is None


def test_an_error_no_mistake_fits_gets_no_advice():
    assert advice_for(ValueError("math domain error")) is None


async def returns_one() -> int:
    return 1


@types.coroutine
def manual_sleep(delay: float):
    yield delay


def never_awaited(function: Callable[[object], object]) -> Callable[[], object]:
    """Call function with a fresh coroutine, then close the coroutine (no "never awaited")."""
    def call() -> object:
        coroutine = returns_one()
        try:
            return function(coroutine)
        finally:
            coroutine.close()
    return call


def run(make: Callable[[], object]) -> Callable[[], object]:
    """Run the coroutine make() gives on a loop of its own, closed afterwards."""
    def call() -> object:
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(make())  # type: ignore[arg-type]
        finally:
            loop.close()
    return call


async def loop_over_a_coroutine() -> None:
    coroutine = returns_one()
    try:
        for _ in coroutine:  # type: ignore[attr-defined]
            pass
    finally:
        coroutine.close()


async def hand_made_sleep_under_asyncio() -> None:
    await manual_sleep(3)


async def plain_anext() -> None:
    class Remote:
        def __aiter__(self) -> Remote:
            return self

        def __anext__(self) -> int:
            return 1

    async for _ in Remote():  # type: ignore[attr-defined]
        pass


async def async_with_a_thread_lock() -> None:
    async with threading.Lock():  # type: ignore[attr-defined]
        pass


async def await_a_plain_value() -> None:
    await 5  # type: ignore[misc]


async def await_a_generator() -> None:
    def generator():
        yield 1
    await generator()  # type: ignore[misc]


async def await_an_async_generator() -> None:
    async def agenerator():
        yield 1
    await agenerator()  # type: ignore[misc]


def with_an_asyncio_lock() -> None:
    with asyncio.Lock():  # type: ignore[attr-defined]
        pass


async def asyncio_run_inside_a_coroutine() -> None:
    coroutine = returns_one()
    try:
        asyncio.run(coroutine)
    finally:
        coroutine.close()


async def stop_iteration_inside_a_coroutine() -> None:
    raise StopIteration


def wait_given_coroutines() -> None:
    loop, coroutine = asyncio.new_event_loop(), returns_one()
    try:
        loop.run_until_complete(asyncio.wait([coroutine]))
    finally:
        coroutine.close()
        loop.close()


def square(x: int) -> int:
    return x * x


async def close_the_running_loop() -> None:
    asyncio.get_running_loop().close()


def result_before_done() -> None:
    loop = asyncio.new_event_loop()
    try:
        loop.create_future().result()
    finally:
        loop.close()


def reuse_a_finished_coroutine() -> None:
    coroutine = returns_one()
    with pytest.raises(StopIteration):
        coroutine.send(None)
    coroutine.send(None)


REAL_ERRORS: list[tuple[str, Callable[[], object], str]] = [
    ("gather([...])", never_awaited(lambda c: asyncio.gather([c])),
     "a list handed to gather instead of its items"),
    ("for over a coroutine", run(loop_over_a_coroutine), "a coroutine looped over with for"),
    ("send()", never_awaited(lambda c: c.send()), "send() called without a value"),
    ("ensure_future(5)", lambda: asyncio.ensure_future(5),  # type: ignore[arg-type]
     "results handed to asyncio where it needs awaitables"),
    ("a bare yield under asyncio", run(hand_made_sleep_under_asyncio),
     "a hand-made sleep run by asyncio"),
    ("a plain __anext__", run(plain_anext), "a plain def __anext__"),
    ("async with a thread lock", run(async_with_a_thread_lock),
     "async with on a plain context manager"),
    ("with an asyncio.Lock", with_an_asyncio_lock, "with on an asynchronous context manager"),
    ("asyncio.run in a coroutine", run(asyncio_run_inside_a_coroutine),
     "asyncio.run inside a coroutine"),
    ("StopIteration in a coroutine", run(stop_iteration_inside_a_coroutine),
     "StopIteration raised inside a coroutine"),
    ("asyncio.wait([coroutine])", wait_given_coroutines, "coroutines handed to asyncio.wait"),
    ("square()", lambda: square(),  # type: ignore[call-arg]
     "a function called with an argument missing"),
    ("square(1, 2)", lambda: square(1, 2),  # type: ignore[call-arg]
     "too many arguments by position"),
    ("a number called", lambda: (lambda f: f(3))(square(2)),  # type: ignore[operator]
     "a call's result handed over where a function was wanted"),
    ("send() after the end", lambda: returns_one().send(None),
     "StopIteration from send() not caught"),
    ("close() of the running loop", run(close_the_running_loop), "a running loop closed"),
    ("a coroutine plus one", never_awaited(lambda c: c + 1), "a coroutine used as a value"),
    ("await 5", run(await_a_plain_value), "a plain value awaited"),
    ("await a generator", run(await_a_generator), "a plain generator awaited"),
    ("await an async generator", run(await_an_async_generator), "an async generator awaited"),
    ("result() too soon", result_before_done, "a task's result read before it is done"),
    ("a finished coroutine resumed", reuse_a_finished_coroutine, "a finished coroutine resumed"),
    ("None times two", lambda: None * 2,  # type: ignore[operator]
     "a value forgotten: None where something was expected"),
]


@pytest.mark.parametrize(("what", "make_error", "mistake"), REAL_ERRORS,
                         ids=[what for what, _, _ in REAL_ERRORS])
def test_a_real_error_of_a_mistake_gets_its_advice(what, make_error, mistake):
    with pytest.raises(Exception) as raised:
        make_error()
    found = mistake_for(raised.value)
    assert found is not None and found.mistake == mistake, f"{what}: {raised.value!r} got {found}"
