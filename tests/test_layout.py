"""The grader's layout holds: DEVELOPING.md's map is the tree, the arrows between its rooms go one
way, and no module imports, even from inside a function, a module that imports it back."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

from graders.manifest import PACK_ROOT, load_exercises

GRADERS = PACK_ROOT / "graders"
MAP_LINE = re.compile(r"^(?P<indent> *)(?P<name>[\w<>/]+?(?:\.py|/))\s")

# Who may import whom: a room's modules import only the rooms listed here (and the top level).
ALLOWED = {
    "kit": {"kit"},
    "engine": {"engine", "kit"},
    "farm": {"farm", "kit"},
    "suites": {"suites", "kit", "farm"},
    "learner": {"learner", "engine", "kit"},
    "teachers": {"teachers", "engine", "kit", "learner"},
}
TOP_LEVEL_MODULES_AT_MOST = 10


def module_name(path: Path) -> str:
    parts = path.relative_to(PACK_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def grader_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(GRADERS.rglob("*.py"))}


def imported_graders_modules(path: Path, known: set[str]) -> set[str]:
    """Every graders module `path` imports, at the top or inside a function."""
    found: set[str] = set()
    package = module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in runtime_nodes(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1],
                                 *([base] if base else [])])
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(name for name in names if name in known)
    return found


def runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node that can run: all of them but the bodies of `if TYPE_CHECKING:`."""
    nodes, todo = [], [tree]
    while todo:
        node = todo.pop()
        nodes.append(node)
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return nodes


def import_graph() -> dict[str, set[str]]:
    modules = grader_modules()
    known = set(modules)
    return {name: imported_graders_modules(path, known) - {name} for name, path in modules.items()}


def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in ALLOWED) else ""


def test_no_grader_module_imports_one_that_imports_it_back():
    graph = import_graph()
    # Packages re-export lazily; an import of `graders.kit` means the kit's package module only.
    cycles = []
    for start in graph:
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    cycles.append(" -> ".join([*path, start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    assert not cycles, "import cycles:\n" + "\n".join(sorted(set(cycles)))


def test_the_arrows_between_rooms_go_one_way():
    wrong = []
    for module, imports in import_graph().items():
        source = room(module)
        if source not in ALLOWED:
            continue
        for imported in imports:
            target = room(imported)
            if target and target not in ALLOWED[source]:
                wrong.append(f"{module} imports {imported} ({source} may use {ALLOWED[source]})")
    assert not wrong, "\n".join(wrong)


def test_the_top_of_graders_holds_few_modules():
    top = sorted(path.name for path in GRADERS.glob("*.py"))
    assert len(top) <= TOP_LEVEL_MODULES_AT_MOST, top


def test_every_room_says_what_lives_there_and_who_may_import_it():
    for package in sorted(GRADERS.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(package.read_text())) or ""
        assert doc, f"{package.relative_to(PACK_ROOT)} has no docstring"


def mapped_paths(text: str) -> set[str]:
    """The files and folders DEVELOPING.md's map lists under graders/, as paths."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("    graders/ "))
    stack: list[tuple[int, str]] = [(4, "graders/")]
    paths: set[str] = set()
    for line in lines[start + 1:]:
        match = MAP_LINE.match(line)
        if not line.strip():
            break
        if not match:
            continue  # a description that goes on to a second line
        indent = len(match["indent"])
        if indent <= 4:
            break
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = stack[-1][1] + match["name"]
        paths.add(path)
        if match["name"].endswith("/"):
            stack.append((indent, path))
    return paths


def test_the_map_in_developing_md_is_the_tree():
    mapped = mapped_paths((PACK_ROOT / "DEVELOPING.md").read_text())
    actual: set[str] = set()
    slugs = {exercise.slug for exercise in load_exercises()}
    for path in GRADERS.rglob("*.py"):
        relative = path.relative_to(PACK_ROOT).as_posix()
        if path.name == "__init__.py":
            actual.add(relative.removesuffix("__init__.py"))
        elif path.parent.name == "suites":
            actual.add("graders/suites/<slug>.py")
        elif path.parent.name == "models" and path.parent.parent.name == "suites" \
                and path.stem in slugs:  # a module the models share is listed by its name
            actual.add("graders/suites/models/<slug>.py")
        else:
            actual.add(relative)
    actual.discard("graders/")
    actual.discard("graders/suites/")
    mapped.discard("graders/suites/")
    assert sorted(mapped - actual) == [], "the map lists what is not in the tree"
    assert sorted(actual - mapped) == [], "the tree holds what the map does not list"


LINES_AT_MOST = {"engine": 500, "kit": 500, "suites": 700}
"""The longest a module of each room may grow: past it, a module holds more than one thing."""


def test_no_module_of_the_engine_the_kit_or_the_suites_is_too_long():
    too_long = []
    for room_name, most in LINES_AT_MOST.items():
        for path in sorted((GRADERS / room_name).glob("*.py")):
            lines = len(path.read_text().splitlines())
            if lines > most:
                too_long.append(f"{path.relative_to(PACK_ROOT)}: {lines} lines (at most {most})")
    assert not too_long, "\n".join(too_long)


def test_the_parent_reads_a_suite_without_what_only_its_running_checks_need():
    """The parent imports a suite to read its checks and judges with its model: the libraries
    the checks run with (SUITE.child_imports: aiohttp, requests, the farm's server) are the
    child's, imported there before the student's code."""
    code = (
        "import importlib, json, sys\n"
        "from graders.manifest import load_exercises\n"
        "found = {}\n"
        "for exercise in load_exercises():\n"
        "    suite = importlib.import_module(exercise.suite_name).SUITE\n"
        "    found[exercise.number] = [name for name in suite.child_imports\n"
        "                              if name in sys.modules]\n"
        "print(json.dumps(found))\n"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=PACK_ROOT)
    found = json.loads(ran.stdout)
    assert {"01", "05", "06"} <= set(found)
    assert all(not names for names in found.values()), found

