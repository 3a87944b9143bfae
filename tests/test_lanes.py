"""Several gradings at once (graders/engine/lanes.py): results in order whatever finishes first,
jobs that really run side by side, a failure raised at its turn, and `python -m graders check`
grading exercises in lanes with fork servers of their own, which end with them."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import make_submission, solution_files

from graders.__main__ import graded_in_turn
from graders.engine import childrun, forkserver, lanes, parent, sandbox, sandboxserver
from graders.engine.limits import ChildLimits
from graders.kit.checks import CheckResult
from graders.learner.terminal import Output
from graders.manifest import PACK_ROOT, find_exercise, load_exercises

SOLUTIONS = PACK_ROOT / "solutions"


def test_results_come_in_the_jobs_order_though_the_last_ends_first() -> None:
    first_may_end = threading.Event()

    def first() -> str:
        assert first_may_end.wait(10), "the jobs did not run side by side"
        return "first"

    def second() -> str:
        first_may_end.set()  # the first can end only because the second runs meanwhile
        return "second"

    assert list(lanes.in_lanes([first, second], lanes=2)) == ["first", "second"]


def test_each_job_runs_in_a_lane_that_may_own_servers() -> None:
    seen: list[bool] = []
    jobs = [lambda: seen.append(lanes.may_own_servers()) for _ in range(3)]
    list(lanes.in_lanes(jobs, lanes=2))
    assert seen == [True, True, True]
    other = threading.Thread(target=lambda: seen.append(lanes.may_own_servers()))
    other.start()
    other.join()
    assert seen[-1] is False  # any other thread starts its children as programs


def test_one_lane_runs_the_jobs_in_this_thread_one_after_another() -> None:
    threads = list(lanes.in_lanes([threading.current_thread] * 3, lanes=1))
    assert threads == [threading.current_thread()] * 3


def test_a_job_that_raises_raises_at_its_turn_after_those_before_it() -> None:
    def broken() -> str:
        raise ValueError("broken")

    results = lanes.in_lanes([lambda: "fine", broken, lambda: "after"], lanes=2)
    assert next(results) == "fine"
    with pytest.raises(ValueError, match="broken"):
        next(results)


def test_a_lane_that_finds_no_job_left_helps_until_told_there_is_nothing() -> None:
    long_may_end = threading.Event()
    helped: list[bool] = []

    def long() -> str:
        assert long_may_end.wait(10), "the idle lane did not help while the long job ran"
        return "long"

    def when_idle() -> bool:
        helped.append(long_may_end.is_set())
        long_may_end.set()  # the long job ends only because an idle lane was asked to help
        return len(helped) < 3

    assert list(lanes.in_lanes([long, lambda: "short"], 2, when_idle)) == ["long", "short"]
    assert helped[:3] == [False, True, True]  # asked again until it found nothing more


def test_lanes_are_one_per_core_at_most_and_never_more_than_the_gradings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lanes, "busy_cores", lambda: 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    assert lanes.lane_count(7) == lanes.MAX_LANES
    assert lanes.lane_count(1) == 1
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert lanes.lane_count(7) == 2
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert lanes.lane_count(7) == 1


def test_cores_kept_busy_by_other_work_get_no_lane(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    for busy, expected in ((0, 2), (1, 1), (6, 1)):
        monkeypatch.setattr(lanes, "busy_cores", lambda busy=busy: busy)
        assert lanes.lane_count(7) == expected


def test_busy_cores_are_read_from_the_system() -> None:
    assert 0 <= lanes.busy_cores() < 10_000


def test_the_command_line_starts_one_server_per_lane_it_will_grade_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[tuple[Path, bool, int]] = []
    monkeypatch.setattr(sandboxserver, "start_early",
                        lambda submission, reference, servers: asked.append(
                            (submission, reference, servers)))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(lanes, "busy_cores", lambda: 0)
    sandboxserver.start_for_command_line(["check", ""])  # `make check`: every exercise
    sandboxserver.start_for_command_line(["check", "03", "--json", "04"])
    sandboxserver.start_for_command_line(["check", "03", "04", "--submission", "x",
                                          "--reference"])
    sandboxserver.start_for_command_line(["check", "--submission"])  # wrong: said later
    assert asked == [(sandboxserver.DEFAULT_SUBMISSION, False, 2),
                     (sandboxserver.DEFAULT_SUBMISSION, False, 1),  # one exercise, two cores
                     (Path("x"), True, 2)]
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    sandboxserver.start_for_command_line(["check", "03"])
    assert asked[-1] == (sandboxserver.DEFAULT_SUBMISSION, False, 1)  # two lanes, one server


@pytest.fixture
def own_servers(monkeypatch: pytest.MonkeyPatch):
    """This test's own server state in both modules: what it starts is shut down after it."""
    monkeypatch.setattr(forkserver, "_own", forkserver._Own())
    monkeypatch.setattr(forkserver, "_started", [])
    monkeypatch.setattr(forkserver, "_failed", False)
    monkeypatch.setattr(sandboxserver, "_own", sandboxserver._Own())
    monkeypatch.setattr(sandboxserver, "_started", [])
    monkeypatch.setattr(sandboxserver, "_spare", [])
    monkeypatch.setattr(sandboxserver, "_restarts", 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(lanes, "busy_cores", lambda: 0)
    yield
    sandboxserver.shut_down()
    forkserver._shut_down()


def servers_started() -> list:
    return sandboxserver._started if sandbox.chosen().sandboxed else forkserver._started


def test_exercises_graded_in_lanes_fork_from_servers_that_lanes_keep(own_servers: None) -> None:
    gradings = [(exercise, SOLUTIONS / exercise.folder)
                for exercise in map(find_exercise, ("03", "04", "02"))]
    reports = list(graded_in_turn(gradings, reference=True, out=Output("never")))
    assert [report.exercise.number for report in reports] == ["03", "04", "02"]
    assert all(report.passed for report in reports)
    assert len(servers_started()) == 2  # one per lane, each used for every exercise it took
    again = list(graded_in_turn(gradings, reference=True, out=Output("never")))
    assert all(report.passed for report in again)
    assert len(servers_started()) == 2  # graded again with the same servers
    for _ in range(2):  # one exercise on two cores, as `watch` grades again: in the sandbox,
        # its checks in two lanes that share the server of one of them; else in this thread
        assert next(graded_in_turn(gradings[:1], reference=True, out=Output("never"))).passed
    assert len(servers_started()) == (2 if sandbox.chosen().sandboxed else 3)
    assert all(server.usable for server, _ in servers_started())


def test_the_checks_of_one_exercise_are_shared_by_two_children(
    own_servers: None, monkeypatch: pytest.MonkeyPatch,
) -> None:
    exercise = find_exercise("04")
    given: list[list[int]] = []
    run_child = childrun.run_child

    def noting_what_each_child_was_given(*args, **kwargs):
        run = run_child(*args, **kwargs)
        given.append(run.given)
        return run

    monkeypatch.setattr(childrun, "run_child", noting_what_each_child_was_given)
    grading = parent.run_grading(exercise, None, SOLUTIONS / exercise.folder, reference=True,
                                 lanes=2)
    assert all(result.passed for result in grading.results)
    assert len(given) == 2 and all(given)  # each child ran some of the checks
    assert sorted(index for run in given for index in run) == list(range(len(grading.results)))
    if sandbox.chosen().sandboxed:  # both forked side by side by the one sandbox's server
        assert len(servers_started()) == 1


def test_a_single_exercise_gets_two_lanes_where_two_cores_are_idle_for_one_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    for busy, one_server, expected in ((0, True, 2), (1, True, 1), (0, False, 1)):
        monkeypatch.setattr(lanes, "busy_cores", lambda busy=busy: busy)
        assert lanes.lanes_for(1, one_server=one_server) == expected
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    monkeypatch.setattr(lanes, "busy_cores", lambda: 0)
    assert lanes.lanes_for(1) == 2  # a server each, and a core left over


def test_checks_that_share_a_draw_go_to_one_child_and_another_child_starts_from_the_last():
    handout = childrun.Handout.of(6, ["a", "#1", "b", "#3", "b", "a"])
    first, second = object(), object()
    taken = [handout.take(first), handout.take(second), handout.take(second),
             handout.take(first), handout.take(second), handout.take(first)]
    assert taken == [0, 4, 2, 5, 3, 1]  # a's checks with the first child, b's with the second
    assert handout.take(first) is None and handout.empty


def test_a_check_whose_draw_another_child_runs_waits_for_it_until_that_child_ends():
    handout = childrun.Handout.of(3, ["a", "#1", "a"])
    first, second = object(), object()
    assert (handout.take(first), handout.take(second)) == (0, 1)
    assert handout.take(second) is None and handout.left == 1  # the first child's to run
    handout.release(first)
    handout.give_back([0])  # the first child's result did not hold: again, first of all
    assert (handout.take(second), handout.take(second), handout.take(second)) == (0, 2, None)


def test_a_lane_with_nothing_left_shares_the_checks_of_a_running_grading(
    own_servers: None,
) -> None:
    exercise = find_exercise("03")
    grading = parent._Grading(exercise, SOLUTIONS / exercise.folder, ChildLimits(), True, None)
    grading.load_checks()
    with parent._sharable(grading):
        assert parent.share_a_grading()  # children of this lane's, until no check is left
        assert grading.handout.empty and grading.sharers == 0
        assert not parent.share_a_grading()  # nothing left to share
        grading.wait_for_sharers()
        grading.handout.give_back([0, 1, 2])
        assert not parent.share_a_grading()  # closed to sharers once its owner waits
    results = grading.results_in_order()
    assert len(results) == len(exercise.checks()) and all(r.passed for r in results)


def test_a_check_of_every_exercise_reports_them_in_order_with_one_isolation_line() -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "graders", "check", "--submission", str(SOLUTIONS), "--reference",
         "--color", "never"], capture_output=True, text=True, cwd=PACK_ROOT, timeout=120)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    headers = [line.split()[0] for line in finished.stdout.splitlines()
               if line[:2].isdigit() and "points" in line]
    assert headers == [exercise.number for exercise in load_exercises()], finished.stdout
    assert finished.stdout.count("Isolation:") == 1


RUN_BY_HAND, NEVER_TIME_SLEEP = "run_by_hand_returns_result", "never_time_sleep"
QUICK = ChildLimits(check_seconds=2.0, import_seconds=10.0)


def graded_in_two_lanes(tmp_path: Path, appended: str) -> dict[str, CheckResult]:
    exercise = find_exercise("03")
    files = solution_files(exercise)
    files[exercise.main_module] += "\n\n" + appended
    folder = make_submission(tmp_path, exercise, files)
    results = parent.run_grading(exercise, None, folder, QUICK, lanes=2).results
    return {result.id: result for result in results}


def test_in_two_lanes_a_hang_fails_its_check_alone(own_servers: None, tmp_path: Path) -> None:
    by_id = graded_in_two_lanes(
        tmp_path, "def run_by_hand(coro, sleep=None):\n    while True:\n        pass\n")
    assert "did not finish within 2 s" in by_id[RUN_BY_HAND].message
    others = [r for r in by_id.values() if r.id not in (RUN_BY_HAND, NEVER_TIME_SLEEP)]
    assert others and all(r.passed for r in others), [r.message for r in others]


def test_in_two_lanes_an_import_that_fails_fails_every_check(
    own_servers: None, tmp_path: Path,
) -> None:
    by_id = graded_in_two_lanes(tmp_path, "raise RuntimeError('broken on purpose')\n")
    assert not any(result.passed for result in by_id.values())
    assert all("broken on purpose" in result.message for result in by_id.values())
