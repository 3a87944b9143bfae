"""`make new-exercise NN=08 SLUG=relay`: the files of a new exercise, as rustlings' `dev new`.

It writes what DEVELOPING.md's "Adding an exercise" asks for, each a small working example to
replace with the step's own: the solution with its markers, the README, a visible test, the suite
with one check, a variants folder with one right variant, and the manifest entry; then the stub and
the classroom files, generated as `make generate` and `make classroom` would. The pack's tests pass
at once on what it writes, so that the author starts from green and changes one thing at a time.
It refuses a number or a slug that is taken, and writes nothing then.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from graders.manifest import MANIFEST_PATH, PACK_ROOT, load_exercises
from graders.stubs import write_stubs
from graders.teachers import classroom

NUMBER = re.compile(r"^\d\d$")
SLUG = re.compile(r"^[a-z][a-z0-9]*$")
"""A slug names a folder, a module and a suite: lower-case letters and digits."""

SOLUTION = '''"""{number} · {title}: replace this example with the step's code.

The learner writes what lies between the markers; `make generate` turns the rest into the stub.
"""

import asyncio


async def double_later(x):
    """Wait a second without blocking the event loop, then return x * 2."""
    ### BEGIN SOLUTION
    await asyncio.sleep(1)
    return x * 2
    ### END SOLUTION
'''

README = '''# {number} · {title}

Say here, in our own words, what this step teaches and what the learner writes in `{module}`.

Check your work with `make check EXERCISE={number}`, or run the visible tests:
`pytest exercises/{folder}`.
'''

VISIBLE_TEST = '''"""Tests you can run yourself: `pytest exercises/{folder}`.

`make check EXERCISE={number}` runs the grader's checks, which look further.
"""

import asyncio

from {stem} import double_later


def test_double_later_gives_twice_its_argument():
    assert asyncio.run(double_later(21)) == 42
'''

SUITE = '''"""Checks of {number} {slug}: replace this example with the step's own checks.

See DEVELOPING.md, "Writing checks".
"""

from __future__ import annotations

from graders.kit import CheckContext, CheckFailed, Suite, plainly_equal, run_student

SUITE = Suite()


@SUITE.check("double_later gives twice its argument, after its sleep", points=1,
             tags=("results", "timing"))
def double_later_doubles(ctx: CheckContext) -> None:
    double_later = ctx.function("double_later")
    ran = run_student(ctx, "double_later(21)", lambda: double_later(21))
    if not plainly_equal(ran.value, 42):
        raise CheckFailed("double_later(21) gave the wrong number.", expected="42",
                          actual=repr(ran.value),
                          advice="look at what double_later returns: twice what it was given.")
    if not 0.9 <= ran.seconds <= 1.1:
        raise CheckFailed("double_later(21) did not wait as long as it should.",
                          expected="1 s of virtual time", actual=f"{{ran.seconds:.1f}} s",
                          advice="a sleep waits only when it is awaited, and time.sleep would "
                          "block the event loop instead.")
'''

VARIANTS = '''# Other ways of writing {number} {slug}, right and wrong, each with its verdict:
# one table per file of this folder, named by its stem (see tests/test_variants.py).

[added_to_itself]
why = "x + x instead of x * 2"
expect = "pass"
'''

VARIANT = '''async def double_later(x):
    await asyncio.sleep(1)
    return x + x
'''

MANIFEST_ENTRY = '''
[[exercise]]
number = "{number}"
slug = "{slug}"
title = "{title}"
modules = ["{module}"]

[exercise.hints]
double_later_doubles = [
    """The gentlest hint of this check first: where to look, and why.""",
    """Each later hint tells a little more, but never writes the code.""",
]
'''


def planned_files(number: str, slug: str, title: str) -> dict[Path, str]:
    """Every file the new exercise gets, but its stub and classroom files, by path in the pack."""
    folder, module = f"{number}_{slug}", f"{slug}.py"
    names = {"number": number, "slug": slug, "title": title, "folder": folder,
             "module": module, "stem": slug}
    return {
        PACK_ROOT / "solutions" / folder / module: SOLUTION.format(**names),
        PACK_ROOT / "exercises" / folder / "README.md": README.format(**names),
        PACK_ROOT / "exercises" / folder / f"test_{slug}.py": VISIBLE_TEST.format(**names),
        PACK_ROOT / "graders" / "suites" / module: SUITE.format(**names),
        PACK_ROOT / "tests" / "variants" / folder / "variants.toml": VARIANTS.format(**names),
        PACK_ROOT / "tests" / "variants" / folder / "added_to_itself.py": VARIANT,
    }


def refusal(number: str, slug: str, title: str) -> str | None:
    """Why the exercise cannot be made, or None."""
    if not NUMBER.match(number):
        return f"NN must be two digits, like 08, not {number!r}"
    if not SLUG.match(slug):
        return f"SLUG must be lower-case letters and digits, like relay, not {slug!r}"
    if '"' in title or "\\" in title:
        return "TITLE may hold no quotes or backslashes"
    for exercise in load_exercises():
        if number == exercise.number or slug == exercise.slug:
            return f"{exercise.folder} already has that number or slug"
    taken = [path for path in planned_files(number, slug, title) if path.exists()]
    if taken:
        return f"{taken[0].relative_to(PACK_ROOT)} exists already"
    return None


def new_exercise(number: str, slug: str, title: str) -> list[Path]:
    """Write the new exercise's files; return them, relative to the pack."""
    why_not = refusal(number, slug, title)
    if why_not:
        raise ValueError(why_not)
    written = []
    for path, text in planned_files(number, slug, title).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    with MANIFEST_PATH.open("a", encoding="utf-8") as manifest:
        manifest.write(MANIFEST_ENTRY.format(number=number, slug=slug, title=title,
                                             module=f"{slug}.py"))
    written.append(MANIFEST_PATH)
    load_exercises.cache_clear()
    written += write_stubs()
    written += classroom.write_files()  # the course and the workflow list every exercise
    return [path.relative_to(PACK_ROOT) for path in written]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graders.scaffold",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("number", help="the new exercise's two digits (08)")
    parser.add_argument("slug", help="its folder's second half, and its module's name (relay)")
    parser.add_argument("--title", help="a few words for people (default: the slug)")
    args = parser.parse_args(argv)
    title = args.title or args.slug.capitalize()
    why_not = refusal(args.number, args.slug, title)
    if why_not:
        print(f"error: {why_not}; nothing was written.", file=sys.stderr)
        return 2
    for path in new_exercise(args.number, args.slug, title):
        print(f"wrote {path}")
    print(f"Now make it the step's own: solutions/{args.number}_{args.slug}/{args.slug}.py, its "
          "README, visible test, suite, variants and hints; `make test` checks them all.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
