"""Loading a submission in the child: the pack's provided files, then the student's modules by
path, each under its own name (byhand.py as module `byhand`), and what to say when one does not
load. Running the checks on them is graders/engine/child.py's.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from graders.kit.atimport import recording_import_calls
from graders.kit.capture import recording_stdout
from graders.kit.checks import ImportRefused


def load_module(path: Path) -> ModuleType:
    """Import a file under its own name (byhand.py as `byhand`), as `import byhand` would."""
    name = path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def describe_import_error(error: BaseException, path: Path) -> str:
    if isinstance(error, SyntaxError):
        return (
            f"{path.name} has a syntax error at line {error.lineno}: {error.msg}\n"
            f"  {(error.text or '').strip()}"
        )
    if isinstance(error, SystemExit):
        return (
            f"{path.name} called sys.exit({error.code!r}) while it was being imported. Code at "
            "the top level of a module runs on import: put it under "
            'if __name__ == "__main__":'
        )
    if isinstance(error, ImportRefused):
        lines = [f"{path.name} could not be imported: {error}"]
    else:
        lines = [f"{path.name} raised {type(error).__name__} while it was being imported: {error}"]
    functions = []
    tb = error.__traceback__
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).name == path.name:
            lines.append(f"  at {path.name}:{tb.tb_lineno}")
            functions.append(tb.tb_frame.f_code.co_name)
        tb = tb.tb_next
    if len(functions) > 1:  # the module's top level called its own functions: work at import
        lines.append(
            "Code at the top level of a module runs when it is imported, so the grader ran your "
            "program before it could check anything. Put calls like main() under "
            'if __name__ == "__main__":'
        )
    return "\n".join(lines)


class StudentModules(dict[str, ModuleType]):
    """The student's modules by file name ("byhand.py"), as loaded for the checks."""

    quiet = True
    """Their import printed nothing and called nothing of the student's (no function of theirs,
    no asyncio.run), and their top level only imports, defines and assigns (`_only_defines`):
    importing them again gives the same modules, afresh (graders/engine/child.py does so before
    each check but the first)."""


def load_student_modules(
    exercise_modules: tuple[str, ...],
    folder: Path,
    import_guard: Callable[[], contextlib.AbstractContextManager[object]],
) -> StudentModules:
    modules = StudentModules()
    for name in exercise_modules:
        path = folder / name
        if not path.is_file():
            raise StudentImportFailed(f"{name} is missing from {folder.name}/.")
        only_defines = _only_defines(path)  # before its code runs, which could patch builtins
        try:
            with (recording_stdout() as printed, import_guard(),
                  recording_import_calls(path) as calls):
                modules[name] = load_module(path)
        except BaseException as error:
            raise StudentImportFailed(describe_import_error(error, path)) from None
        modules.quiet = modules.quiet and only_defines and not printed.texts and not calls
        for line in printed.texts:
            print(line)  # what the module printed on import goes to the parent's output tail
    return modules


_DEFINING = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign,
             ast.AnnAssign, ast.AugAssign, ast.Pass)


def _only_defines(path: Path) -> bool:
    """Whether the module's top level (and its classes' bodies) only imports, defines and
    assigns, with its program under `if __name__ == "__main__":`: no statement there acts by
    itself (`os.chdir("/")`, a loop, a `with`), so importing it again acts again on nothing but
    the values it assigns. What it calls, prints or is refused on import is watched as well."""
    try:
        return _statements_only_define(ast.parse(path.read_bytes()).body, top=True)
    except Exception:  # unreadable, not Python, or too deep: imported once, as before
        return False


def _statements_only_define(body: list[ast.stmt], top: bool) -> bool:
    for statement in body:
        if isinstance(statement, ast.ClassDef):
            if not _statements_only_define(statement.body, top=False):
                return False
        elif isinstance(statement, ast.Expr):
            if not isinstance(statement.value, ast.Constant):  # a docstring, nothing else
                return False
        elif top and _is_main_guard(statement):
            continue
        elif not isinstance(statement, _DEFINING):
            return False
    return True


def _is_main_guard(statement: ast.stmt) -> bool:
    test = statement.test if isinstance(statement, ast.If) else None
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name)
            and test.left.id == "__name__" and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq) and len(test.comparators) == 1
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__")


class StudentImportFailed(Exception):
    """The student's modules could not be loaded; its text says why, for the learner."""
