"""Laying out what a student handed in as a submission the grader reads (NN_slug/ folders).

Students upload in many shapes: the exercise folders themselves, the module files alone (flat),
or a whole clone of the pack with everything under exercises/. For each exercise, the module files
are taken from the shallowest folder named like the exercise (`03_byhand/`, `03_anything/`) that
holds one of them, or else, file by file, from the shallowest file of that name anywhere. Only the
modules the student edits are copied: files the pack provides always come from the pack.

An upload that holds a symbolic link is refused (`UploadRefused`), whatever the link leads to: in a
batch it could be a classmate's file graded as one's own, and copying would follow it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from graders.manifest import Exercise

SKIPPED_PARTS = {".git", ".venv", "__pycache__", "__MACOSX", "node_modules"}


class UploadRefused(Exception):
    """The upload holds what the grader never takes (a symbolic link); the message says what."""


def _walk(upload: Path) -> tuple[list[Path], list[Path]]:
    """Every regular file under `upload` and every link, without tool folders or following links."""
    files, links = [], []
    for folder, subfolders, names in os.walk(upload, followlinks=False):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED_PARTS]
        for name in [*subfolders, *names]:
            path = Path(folder) / name
            if path.is_symlink():
                links.append(path)
            elif name in names and path.is_file():
                files.append(path)
    return files, links


def _files(upload: Path) -> list[Path]:
    """Every file under `upload`, shallowest first, without tool folders."""
    found, _ = _walk(upload)
    return sorted(found, key=lambda path: (len(path.relative_to(upload).parts), str(path)))


def refuse_links(upload: Path) -> None:
    """Raise UploadRefused, naming them, when the upload is or holds symbolic links."""
    links = [upload] if upload.is_symlink() else _walk(upload)[1]
    if links:
        shown = ", ".join(str(path.relative_to(upload.parent)) for path in links[:6])
        raise UploadRefused(
            f"The upload holds symbolic links, which the grader refuses: {shown}. Hand in the "
            "files themselves: a link could lead to someone else's work or to the grader's own "
            "files, so the grader never follows one.")


def find_modules(exercise: Exercise, upload: Path) -> dict[str, Path]:
    """Where the uploaded modules of this exercise are (module name -> file)."""
    files = _files(upload)
    for path in files:
        folder = path.parent
        if (path.name in exercise.modules and folder != upload
                and folder.name.split("_", 1)[0] == exercise.number):
            return {name: folder / name for name in exercise.modules
                    if (folder / name).is_file()}
    found: dict[str, Path] = {}
    for path in files:
        if path.name in exercise.modules:
            found.setdefault(path.name, path)
    return found


def lay_out(exercises: Iterable[Exercise], upload: Path, destination: Path) -> dict[str, Path]:
    """Copy each exercise's modules into destination/NN_slug/; answer which were found.

    Every exercise gets its folder, found or not, so that the grader can say which file is missing.
    An upload with symbolic links raises UploadRefused before anything is copied.
    """
    if upload.is_dir() or upload.is_symlink():
        refuse_links(upload)
    found_any: dict[str, Path] = {}
    for exercise in exercises:
        folder = destination / exercise.folder
        folder.mkdir(parents=True, exist_ok=True)
        modules = find_modules(exercise, upload) if upload.is_dir() else {}
        for name, path in modules.items():
            shutil.copyfile(path, folder / name)
        if modules:
            found_any[exercise.number] = folder
    return found_any
