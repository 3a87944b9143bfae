"""Tests you can run yourself: `pytest exercises/04_gettoknow` (or `make check EXERCISE=04`).

They run on a pretend clock. The tests marked `looptime` get an event loop whose clock jumps ahead
whenever every coroutine is waiting, so the tutorial's 3 s squares take no real time at all; the
`looptime` argument tells how many pretend seconds have passed. A time.sleep does not move that
clock: code that blocks shows up as taking 0 s, not 3 s.
"""

import threading

import gettoknow
import pytest
from looptime import new_event_loop


def lines(capsys):
    return capsys.readouterr().out.splitlines()


@pytest.mark.asyncio
@pytest.mark.looptime
async def test_square_sleeps_three_seconds_and_returns_the_square(looptime):
    assert await gettoknow.square(4) == 16
    assert looptime == 3


@pytest.mark.asyncio
@pytest.mark.looptime
async def test_square_of_seven_fails_with_value_error_right_away(looptime, capsys):
    with pytest.raises(ValueError):
        await gettoknow.square(7)
    assert lines(capsys) == ["Starting square with argument 7!"]
    assert looptime == 0


@pytest.mark.asyncio
@pytest.mark.looptime
async def test_list_squares_puts_the_error_in_place_of_square_seven():
    results = await gettoknow.list_squares(10)
    assert isinstance(results[7], ValueError)
    assert results[:7] + results[8:] == [0, 1, 4, 9, 16, 25, 36, 64, 81]


@pytest.mark.asyncio
@pytest.mark.looptime
async def test_ten_squares_take_three_seconds_not_thirty(looptime):
    await gettoknow.list_squares(10)
    assert looptime == 3


@pytest.fixture
def quick_blocking_square(monkeypatch):
    """blocking_square really sleeps 3 s; this stand-in answers at once, noting its thread."""
    threads = []

    def blocking_square(x):
        threads.append(threading.current_thread())
        return x * x

    monkeypatch.setattr(gettoknow, "blocking_square", blocking_square)
    return threads


@pytest.mark.asyncio
@pytest.mark.looptime
async def test_list_squares_with_executor_squares_seven_in_another_thread(
    quick_blocking_square, looptime
):
    results = await gettoknow.list_squares_with_executor(10)
    assert results == [x * x for x in range(10)]
    assert len(quick_blocking_square) == 1, "blocking_square should square 7, once"
    assert quick_blocking_square[0] is not threading.current_thread(), (
        "blocking_square ran on the event loop's own thread, blocking it"
    )
    assert looptime == 3


@pytest.mark.asyncio
@pytest.mark.looptime
async def test_launch_square_says_it_is_waiting_once_a_second(looptime, capsys):
    assert await gettoknow.launch_square(4) == 16
    waiting = [line for line in lines(capsys) if line == "waiting for square(4)..."]
    # 3 lines (at 0, 1 and 2 s), or 4 if the last poll comes just before square's last step.
    assert len(waiting) in (3, 4)
    assert 3 <= looptime <= 4


def test_stop_in_stops_run_forever_after_three_seconds(capsys):
    loop = new_event_loop(start=0)  # a pretend clock, as in the other tests
    loop.call_later(10, loop.stop)  # so that the test ends even if stop_in never stops the loop
    try:
        countdown = loop.create_task(gettoknow.stop_in(3))
        loop.run_forever()
        assert countdown.done(), "stop_in should have finished by the time the loop stops"
        countdown.result()  # raises what stop_in raised, if anything
        assert loop.time() == 3
    finally:
        loop.close()
    assert lines(capsys) == ["Shutdown in 3...", "Shutdown in 2...", "Shutdown in 1..."]


@pytest.mark.asyncio
@pytest.mark.looptime
async def test_remote_container_gives_one_item_a_second(looptime):
    arrivals = []
    async for item in gettoknow.RemoteContainer(["a", "b", "c"]):
        arrivals.append((item, float(looptime)))
    assert arrivals == [("a", 1), ("b", 2), ("c", 3)]


@pytest.mark.asyncio
@pytest.mark.looptime
async def test_remote_container_starts_afresh_for_each_async_for():
    container = gettoknow.RemoteContainer([1, 2])
    assert [item async for item in container] == [1, 2]
    assert [item async for item in container] == [1, 2]


@pytest.mark.asyncio
@pytest.mark.looptime
async def test_connection_takes_a_second_to_open_and_one_to_close(looptime):
    connection = gettoknow.Connection("db://example")
    async with connection as entered:
        assert looptime == 1
        assert entered is connection
        await entered.set_key("answer", 42)
        assert await entered.get_key("answer") == 42
    assert looptime == 2
    assert connection.closed


@pytest.mark.asyncio
@pytest.mark.looptime
async def test_connection_closes_when_the_block_raises_and_lets_the_error_through():
    connection = gettoknow.Connection("db://example")
    with pytest.raises(KeyError):
        async with connection:
            raise KeyError("raised inside the block")
    assert connection.closed
