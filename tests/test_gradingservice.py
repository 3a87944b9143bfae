"""The warm grader the notebooks' kernels share (graders/teachers/gradingservice.py): started by
the first kernel, reused by the next, refusing another version of the pack, leaving when idle or
when its socket goes, and never changing a result: whatever fails, the notebook grades by itself,
and what it gets is what `python -m graders check --json` writes."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import solution_files, stub_files

from graders.manifest import Exercise, find_exercise
from graders.teachers import gradingservice, notebook

pytestmark = pytest.mark.skipif(not gradingservice.supported(),
                                reason="the service needs AF_UNIX sockets and fork")

EXERCISE = find_exercise("03")
assert EXERCISE is not None


def as_bytes(files: dict[str, str]) -> dict[str, bytes]:
    return {name: text.encode() for name, text in files.items()}


SOLVED = as_bytes(solution_files(EXERCISE))
UNTOUCHED = as_bytes(stub_files(EXERCISE))


@pytest.fixture
def folder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The user's folder of services, a new one (short: a socket's path has a limit); removed
    after, which makes any service started in it leave."""
    path = Path(tempfile.mkdtemp(prefix="awaitlings-t-"))
    monkeypatch.setattr(gradingservice, "service_folder", lambda: path)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def state(tmp_path: Path) -> str:
    return str(tmp_path / "state")


def by_subprocess(exercise: Exercise, files: dict[str, bytes]) -> dict:
    """What the notebook got before the service: `python -m graders check --json` run."""
    return notebook._run_grader_subprocess(exercise, files)


def gone(pid: int, within: float = 5.0) -> bool:
    give_up = time.monotonic() + within
    while time.monotonic() < give_up:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_the_first_check_starts_a_service_and_the_next_reuses_it(folder: Path, state: str):
    first = gradingservice.ask_service("03", SOLVED, state, 120)
    second = gradingservice.ask_service("03", UNTOUCHED, state, 120)
    assert first is not None and second is not None
    assert first.service_pid == second.service_pid != os.getpid()
    assert first.results == by_subprocess(EXERCISE, SOLVED)
    assert second.results == by_subprocess(EXERCISE, UNTOUCHED)
    assert first.results["score"] == first.results["max_score"] > second.results["score"] == 0
    assert gone(first.service_pid) is False  # it waits for the next kernel
    os.unlink(gradingservice.socket_path(folder, gradingservice.grader_version()))
    assert gone(first.service_pid), "the service stayed after its socket was removed"


def test_the_socket_a_dead_service_left_is_taken_over_by_a_new_one(folder: Path, state: str):
    path = gradingservice.socket_path(folder, gradingservice.grader_version())
    left = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    left.bind(str(path))  # bound, never listening: what a killed service leaves
    left.close()
    answer = gradingservice.ask_service("03", SOLVED, state, 120)
    assert answer is not None and answer.results["score"] == answer.results["max_score"]
    path.unlink()
    assert gone(answer.service_pid)


def test_the_notebooks_hints_follow_a_grading_by_the_service(folder: Path, state: str):
    answer = gradingservice.ask_service("03", UNTOUCHED, state, 120)
    assert answer is not None
    assert (Path(state) / "state.json").is_file()  # where %hint reads the first failure


def serving(service: gradingservice.Service) -> threading.Thread:
    service.listen()
    thread = threading.Thread(target=service.serve, daemon=True)
    thread.start()
    return thread


def test_a_service_of_another_version_is_refused_and_the_notebook_grades_by_itself(
        folder: Path, state: str):
    path = gradingservice.socket_path(folder, gradingservice.grader_version())
    old = gradingservice.Service(path, "an older pack's version", idle_seconds=30)
    thread = serving(old)
    try:
        assert gradingservice.ask_service("03", SOLVED, state, 120) is None
        assert notebook._run_grader(EXERCISE, SOLVED) == by_subprocess(EXERCISE, SOLVED)
    finally:
        path.unlink()
        thread.join(timeout=5)
    assert not thread.is_alive()


def test_the_version_follows_the_graders_files_and_settings(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch):
    grader_file = tmp_path / "suite.py"
    grader_file.write_text("SUITE = 1\n")
    monkeypatch.setattr(gradingservice, "_grader_files", lambda: [grader_file])
    monkeypatch.setattr(gradingservice, "PACK_ROOT", tmp_path)
    before = gradingservice.grader_version({})
    assert gradingservice.grader_version({"AWAITLINGS_STATE_DIR": "/elsewhere"}) == before
    assert gradingservice.grader_version({"AWAITLINGS_SANDBOX": "guard"}) != before
    assert gradingservice.grader_version({"PYTHONPATH": "/a/students/own"}) != before
    grader_file.write_text("SUITE = 2\n")
    assert gradingservice.grader_version({}) != before


def test_an_idle_service_leaves_and_takes_its_socket_and_folder_with_it(folder: Path):
    path = folder / "idle.sock"
    service = gradingservice.Service(path, "v", idle_seconds=0.3)
    thread = serving(service)
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert not path.exists() and not service.root.exists()


def test_without_what_the_service_needs_the_notebook_grades_by_itself(
        folder: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(gradingservice, "supported", lambda: False)
    assert gradingservice.ask_service("03", SOLVED, "unused", 120) is None
    assert notebook._run_grader(EXERCISE, SOLVED) == by_subprocess(EXERCISE, SOLVED)
    assert list(folder.iterdir()) == []  # no service was started


def test_a_service_that_breaks_off_leaves_the_notebook_to_grade_by_itself(folder: Path,
                                                                         state: str):
    path = gradingservice.socket_path(folder, gradingservice.grader_version())
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen()

    def hang_up() -> None:
        connection, _ = listener.accept()
        connection.close()

    threading.Thread(target=hang_up, daemon=True).start()
    try:
        assert gradingservice.ask_service("03", SOLVED, state, 120) is None
    finally:
        listener.close()


def test_a_folder_open_to_others_holds_no_service(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    own = gradingservice.service_folder()
    assert own is not None and (own.stat().st_mode & 0o777) == 0o700
    own.chmod(0o755)
    assert gradingservice.service_folder() is None


def test_kernels_at_once_each_get_their_own_grading_from_one_service(
        folder: Path, state: str, monkeypatch: pytest.MonkeyPatch):
    started = []
    start = gradingservice._start_and_connect

    def counted(*args: object) -> socket.socket:
        started.append(args)
        return start(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(gradingservice, "_start_and_connect", counted)
    handed_in = [SOLVED, UNTOUCHED, SOLVED]
    expected = [by_subprocess(EXERCISE, files) for files in handed_in]
    answers: list[gradingservice.Answer | None] = [None] * len(handed_in)

    def kernel(index: int) -> None:
        answers[index] = gradingservice.ask_service("03", handed_in[index], state, 120)

    kernels = [threading.Thread(target=kernel, args=(index,)) for index in range(len(handed_in))]
    for thread in kernels:
        thread.start()
    for thread in kernels:
        thread.join(timeout=120)
    assert len(started) == 1, "each kernel started a service of its own"
    served = [answer for answer in answers if answer is not None]
    assert served, "no kernel was answered by the service"
    assert len({answer.service_pid for answer in served}) == 1  # one started, not one each
    for answer, files, wanted in zip(answers, handed_in, expected, strict=True):
        # A kernel the service was too busy for grades by itself (None): as the notebook does.
        got = answer.results if answer is not None else by_subprocess(EXERCISE, files)
        assert got == wanted
