"""Other ways of writing an exercise, right and wrong, each with the verdict it must get.

Each folder tests/variants/NN_slug/ holds variant files and one variants.toml: a table per file,
named by the file's stem, with the fields of `Variant` (the exercise is the folder's, the file the
table's). A variant file is Python appended to the reference solution (`base = "solution"`, the
default), so that it only needs to redefine what it changes; or a whole module (`base = "none"`).
A right variant must get full marks; a wrong one must fail, with at least one failed check carrying
each tag of `fails_with`, and pass the checks of `still_passes` (so that a wrong variant fails for
the reason it was written for, not by accident). A wrong variant also says what its first failed
check, the one a learner reads first, must name: every phrase of `cause` appears in that check's
message (or its timeline). Its optional `says` lists words that the messages of its failed checks
must contain, wherever they come (a tutorial bug whose checks all fail must be named in the one
about it). Checks are named by their ids (`Check.id`), so that rewording a check touches no
variant.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import VARIANTS_DIR, grade_folder, make_submission, solution_files

from graders.engine.report import failure_text
from graders.kit.checks import TAGS
from graders.manifest import find_exercise

LISTING = "variants.toml"
"""The name of each exercise folder's list of variants."""


@dataclass(frozen=True)
class Variant:
    folder: str
    """The exercise's folder under tests/variants/ ("03_byhand"); its number is the exercise."""
    stem: str
    """The variant's file in that folder, without ".py": the name of its table."""
    why: str
    """What the variant does, in a few words."""
    expect: str
    """"pass" (full marks) or "fail"."""
    base: str = "solution"
    """"solution": the file is appended to the reference solution; "none": it is the module."""
    fails_with: tuple[str, ...] = ()
    """Tags of which a failed check must carry each (a wrong variant names at least one)."""
    still_passes: tuple[str, ...] = ()
    """Ids of checks that must pass all the same."""
    cause: tuple[str, ...] = ()
    """Phrases the first failed check's message must all hold (every wrong variant has one)."""
    says: tuple[str, ...] = ()
    """Words that some failed check's message must hold, each."""

    @property
    def exercise(self) -> str:
        return self.folder.split("_", 1)[0]

    @property
    def file(self) -> str:
        return f"{self.folder}/{self.stem}.py"

    @property
    def path(self) -> Path:
        return VARIANTS_DIR / self.file


def load_variants() -> list[Variant]:
    variants = []
    for listing in sorted(VARIANTS_DIR.glob(f"*/{LISTING}")):
        for stem, entry in tomllib.loads(listing.read_text()).items():
            fields = {key: tuple(value) if isinstance(value, list) else value
                      for key, value in entry.items()}
            variants.append(Variant(folder=listing.parent.name, stem=stem, **fields))
    return variants


VARIANTS = load_variants()


def test_every_variant_is_well_formed():
    for variant in VARIANTS:
        exercise = find_exercise(variant.exercise)
        assert exercise is not None and exercise.folder == variant.folder, variant
        assert variant.expect in ("pass", "fail"), variant
        assert variant.base in ("solution", "none"), variant
        assert set(variant.fails_with) <= set(TAGS), variant
        assert (variant.expect == "fail") == bool(variant.fails_with), variant
        assert (variant.expect == "fail") == bool(variant.cause), f"{variant.file}: cause"
        ids = [check.id for check in exercise.checks()]
        unknown = set(variant.still_passes) - set(ids)
        assert not unknown, f"{variant.file}: still_passes names no check of {ids}: {unknown}"


def test_every_variant_file_has_an_entry_and_every_entry_a_file():
    listed = {variant.file for variant in VARIANTS}
    on_disk = {str(path.relative_to(VARIANTS_DIR)) for path in VARIANTS_DIR.rglob("*.py")}
    assert sorted(on_disk - listed) == [], f"files without an entry in their folder's {LISTING}"
    assert sorted(listed - on_disk) == [], "entries without a file"


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.file)
def test_variant_gets_its_verdict(variant: Variant, tmp_path: Path):
    exercise = find_exercise(variant.exercise)
    assert exercise is not None
    files = solution_files(exercise)
    text = variant.path.read_text()
    main = exercise.main_module
    files[main] = text if variant.base == "none" else files[main] + "\n\n" + text
    results = grade_folder(exercise, make_submission(tmp_path, exercise, files))
    failed = [result for result in results if not result.passed]
    report = "\n".join(f"{r.name} [{', '.join(r.tags)}]: {r.message}" for r in failed)
    if variant.expect == "pass":
        assert not failed, f"{variant.why}: a right variant lost marks:\n{report}"
        return
    assert failed, f"{variant.why}: a wrong variant got full marks"
    failed_tags = {tag for result in failed for tag in result.tags}
    for tag in variant.fails_with:
        assert tag in failed_tags, f"{variant.why}: no failed {tag} check:\n{report}"
    by_id = {result.id: result for result in results}
    for check_id in variant.still_passes:
        assert by_id[check_id].passed, f"{variant.why}: {check_id} should still pass:\n{report}"
    for result in failed:
        assert result.message.strip(), f"{result.name} failed without a message"
    first = failure_text(failed[0])
    for phrase in variant.cause:
        assert phrase.lower() in first.lower(), (
            f"{variant.why}: the first failure does not name its cause ({phrase!r}):\n{first}")
    for words in variant.says:
        assert any(words in result.message for result in failed), \
            f"{variant.why}: no message says {words!r}:\n{report}"
