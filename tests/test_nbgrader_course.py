"""The nbgrader course: generated notebooks, and the real nbgrader pipeline on a small class.

The pipeline test (marked `nbgrader`, ~1 min: `pytest -m nbgrader`) copies the course to a
temporary folder and runs what a teacher runs, headless: `nbgrader generate_assignment`, one
`nbgrader autograde` per student over all assignments, `nbgrader export`. The class:

- solved: hands in the source notebooks, solutions included: full marks;
- untouched: hands in the release as it came: zero;
- blocking: the solutions, but where the pack has a variant that blocks the event loop, that
  variant: partial marks, with the blocking check lost;
- hanging: exercise 03's module never finishes loading (a loop at its top level) and a cell stuck
  in `await` sits below it: 03 scores 0, the rest of their work and everyone else's keeps its marks;
  in 04's free cell, `await stop_in(2)` stops the running loop, the kernel's own: refused, so 04
  keeps its full marks (a stopped kernel would have scored the whole notebook 0).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import VARIANTS_DIR, grade_folder, make_submission, solution_files, stub_files

from graders.manifest import Exercise, load_exercises
from graders.teachers import classroom, nbcourse, notebook

EXERCISES = load_exercises()
STUDENTS = ("solved", "untouched", "blocking", "hanging")
HANGING_EXERCISE = "03"
MODULE_HANG = "\n\nwhile True:  # never lets the module finish loading\n    pass\n"
AWAIT_HANG = "import asyncio\nawait asyncio.Event().wait()  # waits for ever\n"
LOOP_STOPPER = ("04", "await stop_in(2)  # stops the running loop: in a notebook, the kernel's\n")
TERMINAL_WORDS = ("`make ", "python exercises/", "pytest", "terminal", "curl", "Ctrl-C")


def test_the_committed_course_is_what_the_pack_generates():
    assert classroom.stale_files() == [], "run `make classroom`"


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda ex: ex.folder)
def test_each_exercise_has_a_notebook_with_a_test_cell_per_check(exercise: Exercise):
    nbformat = pytest.importorskip("nbformat")
    text = nbcourse.course_files([exercise])[f"source/{exercise.folder}/{exercise.folder}.ipynb"]
    notebook = nbformat.reads(text, as_version=4)
    nbformat.validate(notebook)
    tests = [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade")]
    checks = nbcourse.suite_checks(exercise)
    assert [cell.metadata.nbgrader.points for cell in tests] == [c.points for c in checks]
    for cell, check in zip(tests, checks, strict=True):
        assert repr(check.id) in cell.source
        assert ("### BEGIN HIDDEN TESTS" in cell.source) == nbcourse.is_hidden(check)
    grade_ids = [cell.metadata["nbgrader"]["grade_id"] for cell in notebook.cells
                 if "nbgrader" in cell.metadata]
    assert len(set(grade_ids)) == len(grade_ids)


def test_a_test_cell_naming_a_check_the_grader_lacks_says_which_checks_it_has():
    with pytest.raises(notebook.CheckNotPassed, match=r"no check 'renamed_away'.*overlaps_sleeps"):
        notebook.check("03", "renamed_away")


def notebook_markdown(exercise: Exercise) -> str:
    cells = nbcourse.notebook(exercise)["cells"]
    return "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda ex: ex.folder)
def test_the_notebook_speaks_of_the_notebooks_commands_not_the_terminals(exercise: Exercise):
    text = notebook_markdown(exercise)
    assert not [word for word in TERMINAL_WORDS if word in text], text
    assert text.count("## Try it") == 1
    assert "`%check`" in text and "`%hint`" in text and "%run_main" in text
    readme = (exercise.exercise_dir / "README.md").read_text()
    assert ("%farm" in text) == ("make farm" in readme)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda ex: ex.folder)
def test_the_notebook_keeps_the_readmes_own_words(exercise: Exercise):
    readme = (exercise.exercise_dir / "README.md").read_text()
    text = notebook_markdown(exercise)
    for heading in ("## The idea", "## What to do", "## Things to notice"):
        if heading in readme:  # the section word for word, in the notebook's commands
            section = readme.split(heading, 1)[1].split("\n## ", 1)[0]
            assert nbcourse.notebook_words(section) in text, heading


def test_a_readme_command_without_a_notebook_form_is_refused():
    with pytest.raises(ValueError, match="no notebook form"):
        nbcourse.notebook_try_it("    make watch   # checks on every save\n")


def test_hidden_checks_follow_their_tags():
    checks = [check for ex in EXERCISES for check in nbcourse.suite_checks(ex)]
    assert any(nbcourse.is_hidden(check) for check in checks)
    assert not all(nbcourse.is_hidden(check) for check in checks)


# --- the pipeline -----------------------------------------------------------------------------


def blocking_variant(exercise: Exercise) -> str | None:
    """The text of a variant of this exercise that blocks the event loop, appended to a solution."""
    listing = VARIANTS_DIR / exercise.folder / "variants.toml"
    data = tomllib.loads(listing.read_text()) if listing.is_file() else {}
    blocking = [
        (stem, entry) for stem, entry in data.items()
        if "blocking" in entry.get("fails_with", ()) and entry.get("base", "solution") == "solution"
    ]
    # The one that fails the fewest kinds of check: its grade shows the blocking check lost alone.
    blocking.sort(key=lambda item: len(item[1]["fails_with"]))
    return (listing.parent / f"{blocking[0][0]}.py").read_text() if blocking else None


def student_modules(student: str, exercise: Exercise) -> dict[str, str]:
    """What the student's %%module cells hold."""
    if student == "untouched":
        return stub_files(exercise)
    files = solution_files(exercise)
    main = exercise.main_module
    variant = blocking_variant(exercise)
    if student == "blocking" and variant:
        files[main] += "\n\n" + variant
    if student == "hanging" and exercise.number == HANGING_EXERCISE:
        files[main] += MODULE_HANG
    return files


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    # nbgrader runs alembic as a program: the environment's bin must be on PATH.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    finished = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
        capture_output=True, text=True, timeout=600,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return finished


def hand_in(course: Path, student: str) -> None:
    import nbformat

    for exercise in EXERCISES:
        name = f"{exercise.folder}.ipynb"
        released = course / "release" / exercise.folder
        notebook = nbformat.read(released / name, as_version=4)
        modules = student_modules(student, exercise)
        for cell in notebook.cells:
            first, _, _ = cell.source.partition("\n")
            if student == "untouched":  # the release as it came
                continue
            if cell.cell_type == "code" and first.startswith("%%module "):
                module = first.split()[1]
                cell.source = nbcourse.module_cell_source(module, modules[module])
            elif (cell.cell_type == "code" and not cell.source and student == "hanging"
                  and exercise.number == HANGING_EXERCISE):
                cell.source = AWAIT_HANG
            elif (cell.cell_type == "code" and not cell.source and student == "hanging"
                  and exercise.number == LOOP_STOPPER[0]):
                cell.source = LOOP_STOPPER[1]
        folder = course / "submitted" / student / exercise.folder
        shutil.copytree(released, folder)
        nbformat.write(notebook, folder / name)


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("nbgrader")
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(classroom.COURSE_DIR, course, dirs_exist_ok=True)
    nbgrader(course, "generate_assignment", "*", "--force")
    for student in STUDENTS:
        hand_in(course, student)
    for student in STUDENTS:  # one call per student, over all assignments
        nbgrader(course, "autograde", "*", "--student", student)
    nbgrader(course, "export")
    return course


def expected_points(student: str, exercise: Exercise, tmp_path: Path) -> list[float]:
    """What the grader itself gives the student's modules, check by check."""
    if student == "hanging" and exercise.number == HANGING_EXERCISE:
        return [0.0] * len(nbcourse.suite_checks(exercise))
    folder = make_submission(tmp_path / student, exercise, student_modules(student, exercise))
    return [result.points for result in grade_folder(exercise, folder)]


@pytest.mark.nbgrader
def test_nbgrader_grades_the_class_as_the_grader_does(graded_course: Path, tmp_path: Path):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded_course / 'gradebook.db'}") as gradebook:
        for student in STUDENTS:
            for exercise in EXERCISES:
                checks = nbcourse.suite_checks(exercise)
                got = [
                    gradebook.find_grade(nbcourse.cell_id(f"check-{check.id}"),
                                         exercise.folder, exercise.folder, student).score
                    for check in checks
                ]
                assert got == expected_points(student, exercise, tmp_path), (
                    f"{student}, {exercise.label}"
                )

    rows = list(csv.DictReader((graded_course / "grades.csv").open()))
    score = {(row["student_id"], row["assignment"]): float(row["score"]) for row in rows}
    most = {row["assignment"]: float(row["max_score"]) for row in rows}
    for exercise in EXERCISES:
        assignment = exercise.folder
        assert score["solved", assignment] == most[assignment] > 0
        assert score["untouched", assignment] == 0
        hang = score["hanging", assignment]
        assert hang == (0 if exercise.number == HANGING_EXERCISE else most[assignment])
    blocked = [ex for ex in EXERCISES if blocking_variant(ex)]
    assert blocked, "no exercise has a variant that blocks the event loop"
    for exercise in blocked:
        assert 0 < score["blocking", exercise.folder] < most[exercise.folder]


@pytest.mark.nbgrader
def test_the_release_holds_the_stubs_of_exercises(graded_course: Path):
    for exercise in EXERCISES:
        path = graded_course / "release" / exercise.folder / f"{exercise.folder}.ipynb"
        cells = json.loads(path.read_text())["cells"]
        modules = {"".join(cell["source"]).partition("\n")[0]: "".join(cell["source"])
                   for cell in cells if "".join(cell["source"]).startswith("%%module ")}
        assert modules == {
            f"%%module {name}": nbcourse.module_cell_source(name, stub)
            for name, stub in stub_files(exercise).items()
        }


@pytest.mark.nbgrader
def test_the_blocking_check_is_what_the_blocking_student_lost(graded_course: Path):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded_course / 'gradebook.db'}") as gradebook:
        for exercise in (ex for ex in EXERCISES if blocking_variant(ex)):
            for check in nbcourse.suite_checks(exercise):
                if "blocking" in check.tags:
                    grade = gradebook.find_grade(nbcourse.cell_id(f"check-{check.id}"),
                                                 exercise.folder, exercise.folder, "blocking")
                    assert grade.score == 0, check.name


@pytest.mark.nbgrader
def test_test_cells_show_the_graders_message_and_nothing_on_stderr(graded_course: Path):
    for student in STUDENTS:
        for exercise in EXERCISES:
            path = graded_course / "autograded" / student / exercise.folder
            notebook = json.loads((path / f"{exercise.folder}.ipynb").read_text())
            for cell in notebook["cells"]:
                if not cell["metadata"].get("nbgrader", {}).get("grade"):
                    continue
                outputs = cell["outputs"]
                assert not [o for o in outputs if o.get("name") == "stderr"], (student, cell)
                if student == "untouched":  # the grader's message, not a traceback
                    assert outputs[0]["output_type"] == "error"
                    shown = "\n".join(outputs[0]["traceback"])
                    assert shown.startswith("✗ ") and "Traceback" not in shown


@pytest.mark.nbgrader
def test_a_students_cell_cannot_stop_the_kernels_loop(graded_course: Path):
    number, source = LOOP_STOPPER
    exercise = next(ex for ex in EXERCISES if ex.number == number)
    path = graded_course / "autograded" / "hanging" / exercise.folder / f"{exercise.folder}.ipynb"
    cells = json.loads(path.read_text())["cells"]
    cell = next(cell for cell in cells if "".join(cell["source"]) == source)
    shown = "".join("".join(output.get("text", "")) for output in cell["outputs"])
    assert "Shutdown in 1..." in shown and "notebook's own event loop" in shown
    tests = [cell for cell in cells if cell["metadata"].get("nbgrader", {}).get("grade")]
    assert tests and all(not cell["outputs"] or cell["outputs"][0]["output_type"] == "stream"
                         for cell in tests)


@pytest.mark.nbgrader
def test_the_hanging_notebook_is_graded_not_dropped(graded_course: Path):
    # With nbgrader's default raise_on_iopub_timeout, the cell stuck in `await` makes nbgrader
    # remove the whole notebook; with the course's config, its check cells run and say why.
    exercise = next(ex for ex in EXERCISES if ex.number == HANGING_EXERCISE)
    path = graded_course / "autograded" / "hanging" / exercise.folder / f"{exercise.folder}.ipynb"
    notebook = json.loads(path.read_text())
    tests = [cell for cell in notebook["cells"]
             if cell["metadata"].get("nbgrader", {}).get("grade")]
    for cell in tests:
        shown = "\n".join(cell["outputs"][0]["traceback"])
        assert "did not finish within" in shown, shown
