"""The child's working folder: made empty, and removed whatever the child left in it.

Without a sandbox the child writes to a real folder, and its code may leave anything there: a tree
deeper than any recursion, folders without permissions, a symlink put in the folder's own place
(which shutil.rmtree refuses, and which must never be followed out of it). `remove` deletes all of
that without following a link and without raising: a grading must always end with its results.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

PREFIX = "awaitlings-"


@contextlib.contextmanager
def working_folder() -> Iterator[Path]:
    """A new empty folder, removed on exit whatever it then holds."""
    path = Path(tempfile.mkdtemp(prefix=PREFIX))
    try:
        yield path
    finally:
        remove(path)


def usage(path: Path, max_entries: int) -> tuple[int, int]:
    """The bytes and entries under `path`, links not followed; the walk stops once it has seen
    more than `max_entries`, so that measuring a flood costs no more than the limit."""
    total, entries, todo = 0, 0, [os.fspath(path)]
    while todo and entries <= max_entries:
        try:
            with os.scandir(todo.pop()) as listing:
                for entry in listing:
                    entries += 1
                    if entries > max_entries:
                        break
                    with contextlib.suppress(OSError):
                        if entry.is_dir(follow_symlinks=False):
                            todo.append(entry.path)
                        else:
                            found = entry.stat(follow_symlinks=False)
                            # Blocks, where the system has them: a sparse file fills nothing.
                            blocks = getattr(found, "st_blocks", None)
                            total += found.st_size if blocks is None else blocks * 512
        except OSError:
            continue
    return total, entries


_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW


def remove(path: Path) -> None:
    """Delete `path` and everything under it; links are removed, never followed.

    It walks down and back up with one descriptor at a time (`..` from the folder it empties), so
    that neither the stack, nor the limit of open files, nor the length of a path bounds the
    depth of a tree it can remove."""
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):  # a file or a link in the folder's place
            os.unlink(path)
            return
        os.chmod(path, stat.S_IRWXU)
        fd = os.open(path, _FOLDER_FLAGS)
    except OSError:
        return
    way_down: list[str] = []
    given_up: set[tuple[int, int]] = set()  # folders that would not go: no endless loop
    try:
        while True:
            below = _clear_files(fd, given_up)
            if below is not None:
                with contextlib.suppress(OSError):
                    os.chmod(below, stat.S_IRWXU, dir_fd=fd)  # a folder made unreadable
                try:
                    inner = os.open(below, _FOLDER_FLAGS, dir_fd=fd)
                except OSError:
                    given_up.add(_identity(os.stat(below, dir_fd=fd, follow_symlinks=False)))
                    continue
                os.close(fd)
                fd = inner
                way_down.append(below)
                continue
            if not way_down:
                break
            emptied = _identity(os.fstat(fd))
            outer = os.open("..", _FOLDER_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = outer
            try:
                os.rmdir(way_down.pop(), dir_fd=fd)
            except OSError:
                given_up.add(emptied)
    except OSError:
        pass
    finally:
        os.close(fd)
    with contextlib.suppress(OSError):
        os.rmdir(path)


def _clear_files(fd: int, given_up: set[tuple[int, int]]) -> str | None:
    """Unlink the files and links of the open folder `fd`; the name of a folder left in it."""
    with os.scandir(fd) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if _identity(entry.stat(follow_symlinks=False)) not in given_up:
                    return entry.name
            else:
                with contextlib.suppress(OSError):
                    os.unlink(entry.name, dir_fd=fd)
    return None


def _identity(status: os.stat_result) -> tuple[int, int]:
    return status.st_dev, status.st_ino
