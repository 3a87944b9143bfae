"""Tests you can run yourself: `pytest exercises/03_byhand` (or `make check EXERCISE=03`).

No event loop anywhere: each test drives coroutines by hand, with a pretend clock that moves only
when somebody sleeps, so the 3 s sleeps of the tutorial take no time at all.
"""

import types

import byhand


class PretendClock:
    """time.monotonic and time.sleep for a scheduler, without any real waiting."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_manual_sleep_hands_its_delay_to_the_driver():
    async def napper():
        await byhand.manual_sleep(2)
        return "rested"

    coro = napper()
    assert coro.send(None) == 2
    try:
        coro.send(None)
    except StopIteration as finished:
        assert finished.value == "rested"
    else:
        raise AssertionError("the coroutine should have finished after one yield")


def test_calling_square_gives_a_coroutine_not_a_result():
    coro = byhand.square(3)
    assert isinstance(coro, types.CoroutineType)
    coro.close()


def test_square_prints_its_start_line_then_yields_3_to_its_driver(capsys):
    coro = byhand.square(4)
    assert coro.send(None) == 3
    assert capsys.readouterr().out == "Starting square with argument 4!\n"
    coro.close()


def test_square_resumed_prints_its_finish_line_and_returns_the_square(capsys):
    coro = byhand.square(4)
    coro.send(None)
    capsys.readouterr()
    try:
        coro.send(None)
    except StopIteration as finished:
        assert finished.value == 16
    else:
        raise AssertionError("square should have finished after its one sleep")
    assert capsys.readouterr().out == "Finishing square with argument 4!\n"


def test_run_by_hand_returns_the_cube_after_two_sleeps():
    clock = PretendClock()
    assert byhand.run_by_hand(byhand.cube(2), sleep=clock.sleep) == 8
    assert clock.sleeps == [3, 3]


def test_run_concurrently_keeps_results_in_argument_order():
    clock = PretendClock()
    results = byhand.run_concurrently(
        byhand.cube(10), byhand.square(2), clock=clock.clock, sleep=clock.sleep
    )
    assert results == [1000, 4]


def test_two_cubes_together_take_six_seconds_not_twelve():
    clock = PretendClock()
    byhand.run_concurrently(byhand.cube(5), byhand.cube(10), clock=clock.clock, sleep=clock.sleep)
    assert clock.now == 6
