"""What the child also watches, for where no sandbox holds: hooks and edits that reach into it.

`Integrity` (graders/engine/guard.py) sees a function, class or module replaced. Code that studies
the grader has quieter ways to turn a verdict, and this record sees the common ones, compared at
the same times as the integrity record (graders/engine/child.py says when):

- a trace or profile function (sys.settrace, sys.setprofile, threading.settrace/setprofile), which
  sees every frame of the grader and may change its variables (the guard also refuses the calls);
- a function's own attributes changed in place, which replaces no name: `__code__`, `__defaults__`,
  `__kwdefaults__`, `__module__` (which the guard's refusal of `__code__` once went by);
- the grader's own data: a module-level constant (an UPPER_CASE name) of a graders module, such
  as the guard's policy tables or a suite's expected durations, rebound or changed in place;
- the guard's own state: its audit hook's closure, its table of handlers, its policy.

None of this is a boundary (code in the process can change this record too); SECURITY.md says what
the sandbox adds. It costs a few milliseconds per comparison.

Reading `__code__`, `__defaults__` or `__kwdefaults__` raises an audit event, so that reading them
from some 8,000 functions calls the guard's hook 24,000 times: 15 ms, each comparison. The
common case, nothing changed, is answered from the functions' references instead
(`gc.get_referents`, which audits nothing): each function's code, globals, defaults, keyword
defaults, doc, name, closure... in a fixed order, compared by identity with the same list taken
before. Only when that differs are the attributes read one by one, to say which changed.
"""

from __future__ import annotations

import copy
import gc
import re
import sys
import threading
from collections.abc import Callable, Iterable
from itertools import compress, repeat
from operator import attrgetter, is_, is_not
from types import FunctionType, ModuleType

FUNCTION_ATTRIBUTES = ("__code__", "__defaults__", "__kwdefaults__", "__module__")
DATA_TYPES = (int, float, complex, str, bytes, bool, type(None), tuple, list, dict, set,
              frozenset)
MUTABLE_TYPES = (list, dict, set)
_MISSING = object()
_BETWEEN = object()


CONSTANT = re.compile(r"_?[A-Z][A-Z0-9_]*")
"""How a constant is named (CHECK_SECONDS, _PATH_EVENTS): a module's caches (`_runs = {}`) change
as checks run, so only constants are held to what they were."""


def _grader_data(module: ModuleType) -> dict[str, object]:
    return {
        key: value for key, value in vars(module).items()
        if CONSTANT.fullmatch(key) and type(value) in DATA_TYPES
    }


class Stopgaps:
    """The record: taken when the guard is installed, compared by `changes()`."""

    def __init__(self, values: Iterable[object], name_of: Callable[[object], str],
                 own_state: Callable[[], object]) -> None:
        """`values`: what the integrity record holds (functions among them); `name_of` names one
        of them for a message; `own_state`: the guard's (Guard.own_state)."""
        self._functions = tuple(_functions_among(values))
        self._name_of = name_of
        self._attributes = _attributes_of(self._functions)
        between = (_BETWEEN,)  # a tuple's only reference: the marker
        self._referring = tuple(item for function in self._functions
                                for item in (function, between))
        self._references = self._functions_references()
        self._modules = {name: module for name, module in sys.modules.items()
                         if (name == "graders" or name.startswith("graders."))
                         and isinstance(module, ModuleType)}
        # Each constant, and a deep copy of it to compare with: changed in place, it differs.
        self._constants = [
            (name, vars(module), key, value, copy.deepcopy(value))
            for name, module in self._modules.items()
            for key, value in _grader_data(module).items()
        ]
        self._own_state = own_state
        self._own = own_state()

    def _functions_references(self) -> list[object]:
        """What every function refers to, in one list, a marker between two functions: each
        function's references are then compared with its own, never with its neighbour's."""
        return gc.get_referents(*self._referring)

    def _functions_unchanged(self) -> bool:
        """True when no function refers to anything else than it did: then none of their
        attributes was replaced (a changed `__code__` is another code object among its
        references; a default that appeared or went lengthens or shortens them)."""
        now = self._functions_references()
        return len(now) == len(self._references) and not any(map(is_not, now, self._references))

    def _changed_attributes(self) -> list[str]:
        # Taken before the attributes are read: a change made meanwhile (a thread of the
        # student's) is then caught by this reading, or by the next comparison.
        references = self._functions_references()
        found = []
        for name, recorded in zip(FUNCTION_ATTRIBUTES, self._attributes, strict=True):
            if any(map(is_not, map(attrgetter(name), self._functions), recorded)):
                found += [f"{self._name_of(function)}.{name}" for function, value
                          in zip(self._functions, recorded, strict=True)
                          if getattr(function, name) is not value]
        if not found:  # something else changed (an __annotations__ made when first read)
            self._references = references
        return found

    def changes(self) -> list[str]:
        """What was changed since the record was taken, as names for the learner's message."""
        found = _hooks()
        if not self._functions_unchanged():
            found += self._changed_attributes()
        for name, namespace, key, value, copied in self._constants:
            current = namespace.get(key, _MISSING)
            if current is not value or (type(value) in MUTABLE_TYPES and current != copied):
                found.append(f"{name}.{key}")
        if self._own_state() != self._own:
            found.append("the guard's own state (its hook, handlers or policy)")
        return found


_read_in_server: dict[FunctionType, tuple[object, ...]] = {}
"""FUNCTION_ATTRIBUTES of functions, by function, as the fork server read them (`read_before`);
a cache, named as one: the constants are compared after every check, this is not."""


_read_with_modules = 0
"""How many modules were loaded when `_read_in_server` was filled."""


def read_before(values: Iterable[object]) -> None:
    """In the fork server (graders/engine/forking.py), while a child runs: the attributes of the
    functions among `values` (every function the modules loaded now hold), for the records of
    the children it forks next. Read there, no audit hook runs; read by a child, under the
    guard's hook, they cost 3 audit events a function, some 20,000 in all (8 to 10 ms of each
    child). The table holds each function itself, so that no other function can take its
    place."""
    global _read_with_modules
    functions = _functions_among(values)
    _read_in_server.clear()
    _read_in_server.update(zip(functions, _read(functions), strict=True))
    _read_with_modules = len(sys.modules)


def read_with_modules() -> int:
    return _read_with_modules


def forget_if_stale() -> None:
    """Before a fork: the table is given up if a module was loaded since it was read (a new
    suite), since an import may change what a function of an earlier module holds (a package
    renaming its functions' `__module__`). A child then takes what is still true: nothing
    between the fork and its record changes a function's code, defaults or module."""
    if len(sys.modules) != _read_with_modules:
        _read_in_server.clear()


def _functions_among(values: Iterable[object]) -> list[FunctionType]:
    """The functions among `values`, each once, in order: picked in C, not in a Python loop,
    since an integrity record holds some 100,000 values."""
    values = tuple(values)
    is_function = map(is_, map(type, values), repeat(FunctionType))
    return list(dict.fromkeys(compress(values, is_function)))


def _attributes_of(functions: tuple[FunctionType, ...]) -> tuple[tuple[object, ...], ...]:
    """FUNCTION_ATTRIBUTES of each function, an array per attribute: from the server's reading
    where it has one, else read here."""
    known = list(map(_read_in_server.get, functions))
    unread = [function for function, row in zip(functions, known, strict=True) if row is None]
    if unread:
        read = dict(zip(unread, _read(unread), strict=True))
        known = [read[function] if row is None else row
                 for function, row in zip(functions, known, strict=True)]
    columns = tuple(zip(*known, strict=True))
    return columns or tuple(() for _ in FUNCTION_ATTRIBUTES)


def _read(functions: list[FunctionType]) -> list[tuple[object, ...]]:
    """Each function's FUNCTION_ATTRIBUTES, as a row."""
    return list(zip(*(map(attrgetter(name), functions) for name in FUNCTION_ATTRIBUTES),
                    strict=True))


def name_in(namespaces: Iterable[object], value: object) -> str:
    """Where the integrity record (its `namespaces`) found `value`, as a qualified name; slow,
    for messages only."""
    for namespace in namespaces:
        for key, recorded in zip(namespace.keys, namespace.values, strict=True):  # type: ignore
            if recorded is value:
                return f"{namespace.label}.{key}"  # type: ignore[attr-defined]
    return repr(value)


class SolutionsFinder:
    """First on sys.meta_path: refuses the `solutions` package however it is imported
    (importlib.import_module raises no "import" event, and in a sandbox no file is opened)."""

    def __init__(self, on_import: Callable[[tuple], None]) -> None:
        self._on_import = on_import

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        self._on_import((name,))  # refuses, or finds nothing: the next finder goes on


def _hooks() -> list[str]:
    """Trace and profile functions set in this thread or for new threads."""
    found = []
    if sys.gettrace() is not None:
        found.append("sys.settrace (a trace function)")
    if sys.getprofile() is not None:
        found.append("sys.setprofile (a profile function)")
    if getattr(threading, "_trace_hook", None) is not None:
        found.append("threading.settrace (a trace function for new threads)")
    if getattr(threading, "_profile_hook", None) is not None:
        found.append("threading.setprofile (a profile function for new threads)")
    return found
