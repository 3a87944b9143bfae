"""Other ways of writing an exercise, right and wrong, each with the verdict it must get.

tests/variants/variants.toml lists them. A variant file is Python appended to the reference
solution (`base = "solution"`, the default), so that it only needs to redefine what it changes; or
a whole module (`base = "none"`). A right variant must get full marks; a wrong one must fail, with
at least one failed check carrying each tag of `fails_with`, and pass the checks of `still_passes`
(so that a wrong variant fails for the reason it was written for, not by accident). A wrong
variant also says what its first failed check, the one a learner reads first, must name: every
phrase of `cause` appears in that check's message (or its timeline). Its optional `says` lists
words that the messages of its failed checks must contain, wherever they come (a tutorial bug
whose checks all fail must be named in the one about it).
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


@dataclass(frozen=True)
class Variant:
    exercise: str
    file: str
    why: str
    expect: str
    base: str = "solution"
    fails_with: tuple[str, ...] = ()
    still_passes: tuple[str, ...] = ()
    cause: tuple[str, ...] = ()
    says: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        return VARIANTS_DIR / self.file


def load_variants() -> list[Variant]:
    data = tomllib.loads((VARIANTS_DIR / "variants.toml").read_text())
    variants = []
    for entry in data["variant"]:
        entry["fails_with"] = tuple(entry.get("fails_with", ()))
        entry["still_passes"] = tuple(entry.get("still_passes", ()))
        entry["cause"] = tuple(entry.get("cause", ()))
        entry["says"] = tuple(entry.get("says", ()))
        variants.append(Variant(**entry))
    return variants


VARIANTS = load_variants()


def test_every_variant_is_well_formed():
    for variant in VARIANTS:
        assert variant.path.is_file(), variant.file
        assert variant.expect in ("pass", "fail"), variant
        assert variant.base in ("solution", "none"), variant
        assert find_exercise(variant.exercise) is not None, variant
        assert set(variant.fails_with) <= set(TAGS), variant
        assert (variant.expect == "fail") == bool(variant.fails_with), variant
        assert (variant.expect == "fail") == bool(variant.cause), f"{variant.file}: cause"


def test_every_variant_file_is_listed():
    listed = {variant.file for variant in VARIANTS}
    on_disk = {
        str(path.relative_to(VARIANTS_DIR)) for path in VARIANTS_DIR.rglob("*.py")
    }
    assert on_disk == listed


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
    by_name = {result.name: result for result in results}
    for name in variant.still_passes:
        assert by_name[name].passed, f"{variant.why}: {name} should still pass:\n{report}"
    for result in failed:
        assert result.message.strip(), f"{result.name} failed without a message"
    first = failure_text(failed[0])
    for phrase in variant.cause:
        assert phrase.lower() in first.lower(), (
            f"{variant.why}: the first failure does not name its cause ({phrase!r}):\n{first}")
    for words in variant.says:
        assert any(words in result.message for result in failed), \
            f"{variant.why}: no message says {words!r}:\n{report}"
