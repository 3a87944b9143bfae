"""The child's working folder goes, whatever the child left in it, and nothing outside it goes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from conftest import grade_folder, make_submission, solution_files

from graders.engine import sandbox
from graders.engine.workdir import remove, working_folder
from graders.manifest import find_exercise


def test_a_tree_deeper_than_any_path_or_stack_is_removed(tmp_path: Path):
    root = tmp_path / "work"
    root.mkdir()
    fd = os.open(root, os.O_RDONLY)
    for _ in range(1100):  # past the recursion limit, the open-files limit and PATH_MAX (4096)
        os.mkdir("dddd", dir_fd=fd)
        inner = os.open("dddd", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(os.open("leaf", os.O_WRONLY | os.O_CREAT, dir_fd=fd))
    os.close(fd)
    remove(root)
    assert not root.exists()


def test_a_link_put_in_the_folders_place_is_removed_and_not_followed(tmp_path: Path):
    outside = tmp_path / "someone_elses"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine")
    work = tmp_path / "work"
    work.symlink_to(outside)
    remove(work)
    assert not os.path.lexists(work)
    assert (outside / "keep.txt").read_text() == "mine"


def test_links_inside_are_removed_and_not_followed(tmp_path: Path):
    outside = tmp_path / "someone_elses"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine")
    with working_folder() as work:
        (work / "to_folder").symlink_to(outside)
        (work / "to_file").symlink_to(outside / "keep.txt")
        (work / "sub").mkdir()
        (work / "sub" / "deeper").symlink_to(outside)
    assert not work.exists()
    assert (outside / "keep.txt").read_text() == "mine"


def test_files_and_folders_without_permissions_are_removed():
    with working_folder() as work:
        locked = work / "locked"
        (locked / "inner").mkdir(parents=True)
        (locked / "inner" / "file").write_text("x")
        (locked / "inner" / "file").chmod(0)
        (locked / "inner").chmod(0)
        locked.chmod(stat.S_IRUSR)  # readable, not writable: nothing could be unlinked in it
    assert not work.exists()


@pytest.mark.parametrize("leftover", ["a file", "nothing"])
def test_a_folder_already_gone_or_replaced_by_a_file_is_no_error(tmp_path: Path, leftover: str):
    path = tmp_path / "work"
    if leftover == "a file":
        path.write_text("x")
    remove(path)
    assert not path.exists()


LINK_IN_ITS_PLACE = '''
import os

_work = os.getcwd()
os.chdir("/")
os.rmdir(_work)  # the guard lets the child change its own folder: it is the child's
os.symlink({victim!r}, _work)
'''


def test_a_child_that_puts_a_link_in_its_folders_place_harms_nothing(tmp_path, monkeypatch):
    """Under the guard alone (a sandbox's folder is a tmpfs that cannot be removed)."""
    monkeypatch.setenv(sandbox.CHOICE_VARIABLE, sandbox.GUARD)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("mine")
    exercise = find_exercise("03")
    files = solution_files(exercise)
    files[exercise.main_module] += LINK_IN_ITS_PLACE.format(victim=str(victim))
    results = grade_folder(exercise, make_submission(tmp_path, exercise, files))
    assert all(result.passed for result in results), [r.message for r in results]
    assert (victim / "keep.txt").read_text() == "mine"


def test_usage_counts_bytes_and_entries_without_following_links(tmp_path):
    from graders.engine.workdir import usage

    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "data").write_bytes(b"x" * 100_000)
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "big").write_bytes(b"y" * 1_000_000)
    (tmp_path / "link").symlink_to(outside)
    size, entries = usage(tmp_path, 100)
    assert entries == 3  # inner, inner/data, link: never what the link points to
    assert 100_000 <= size < 1_000_000


def test_usage_stops_counting_past_its_limit(tmp_path):
    from graders.engine.workdir import usage

    for index in range(50):
        (tmp_path / f"f{index}").write_bytes(b"")
    assert usage(tmp_path, 10)[1] == 11


def test_a_sparse_file_fills_nothing(tmp_path):
    from graders.engine.workdir import usage

    with open(tmp_path / "sparse", "wb") as sparse:
        sparse.truncate(1024**3)
    assert usage(tmp_path, 10)[0] < 1024**2
