"""The integrity record: what the child compares after the import and after its checks.

A record of every function, class and module that the loaded modules hold (the grader's, Python's,
the libraries'), and of the methods of their classes, taken by graders/engine/child.py before the
student's code runs. A submission that replaced asyncio.sleep, time.sleep, a loop's clock,
json.dumps, CheckFailed or any function of the grader fails, with the names of what it replaced,
and the record is put back before anything is reported. The audit hook that refuses what no
solution needs is the guard's (graders/engine/guard.py).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, compress, repeat
from operator import is_, is_not
from types import MappingProxyType, ModuleType

_MISSING = object()
MAX_REPORTED = 6
"""Changes or refusals named in one message; the rest are counted."""


_DATA_TYPES = frozenset({int, float, complex, str, bytes, bool, type(None), tuple, list, dict, set,
                         frozenset})


REBOUND_BY_THEIR_LIBRARY = frozenset({
    # urllib3 picks poll or select on the first call and rebinds the module's name to it.
    "urllib3.util.wait.wait_for_socket",
})
"""Names that a library itself rebinds on first use: a change there is not the student's."""


def _watched(value: object) -> bool:
    """Values whose replacement changes behaviour: callables, classes, modules, descriptors."""
    kind = type(value)
    if kind in _DATA_TYPES:
        return False
    return callable(value) or kind is ModuleType or hasattr(kind, "__get__")


def _mutable_class(value: object, module_name: str) -> bool:
    immutable = 1 << 8  # Py_TPFLAGS_IMMUTABLETYPE: built-in types cannot be patched anyway
    return (
        isinstance(value, type)
        and getattr(value, "__module__", None) == module_name
        and not value.__flags__ & immutable
    )


@dataclass
class _Namespace:
    """One module's or class's attributes as recorded: names and values, side by side."""

    label: str
    owner: ModuleType | type
    keys: tuple[str, ...]
    values: tuple[object, ...]

    def current(self) -> Mapping[str, object]:
        return self.owner.__dict__ if isinstance(self.owner, ModuleType) else vars(self.owner)

    def unchanged(self) -> bool:
        """True when every recorded name still holds the same object (compared in C: fast)."""
        get = self.current().get
        return not any(map(is_not, map(get, self.keys, repeat(_MISSING)), self.values))

    def as_recorded(self) -> bool:
        """`unchanged`, and no name added either."""
        return len(self.current()) == len(self.keys) and self.unchanged()

    @cached_property
    def watched(self) -> tuple[tuple[str, ...], tuple[object, ...]]:
        """The names, and their values, whose change `changes()` reports: those that held
        functions, classes, modules or descriptors (`_watched`), but the few their library
        rebinds itself. Worked out once for a namespace, in C: a child inherits them from the
        fork server's record (`of_loaded_modules`)."""
        kinds = list(map(type, self.values))
        kept = list(map(any, zip(map(callable, self.values), map(is_, kinds, repeat(ModuleType)),
                                 map(hasattr, kinds, repeat("__get__")), strict=True)))
        rebound = _REBOUND_KEYS.get(getattr(self.owner, "__name__", ""))
        if rebound:
            kept = [keep and key not in rebound for key, keep in zip(self.keys, kept, strict=True)]
        return tuple(compress(self.keys, kept)), tuple(compress(self.values, kept))

    def replaced(self) -> list[tuple[str, object]]:
        """The recorded names, with their old values, whose behaviour may have changed."""
        namespace = self.current()
        owner = getattr(self.owner, "__name__", self.label)
        return [
            (key, value)
            for key, value in zip(self.keys, self.values, strict=True)
            if namespace.get(key, _MISSING) is not value and _watched(value)
            and f"{owner}.{key}" not in REBOUND_BY_THEIR_LIBRARY
        ]

    def put_back(self, items: list[tuple[str, object]]) -> None:
        for key, value in items:
            if isinstance(self.owner, ModuleType):
                self.owner.__dict__[key] = value
            else:
                type.__setattr__(self.owner, key, value)


_REBOUND_KEYS: dict[str, frozenset[str]] = {
    owner: frozenset(name.rpartition(".")[2] for name in REBOUND_BY_THEIR_LIBRARY
                     if name.rpartition(".")[0] == owner)
    for owner in {name.rpartition(".")[0] for name in REBOUND_BY_THEIR_LIBRARY}
}
"""REBOUND_BY_THEIR_LIBRARY by the module (or class) that holds each name."""


@dataclass
class Integrity:
    """Functions, classes and modules as they were when the record was taken."""

    modules: dict[str, ModuleType] = field(default_factory=dict)
    by_module: dict[str, list[_Namespace]] = field(default_factory=dict)
    """Each module's namespaces: its own, then its classes'."""
    _flat: tuple[tuple, ...] = ()
    """Per kind of namespace (dict, mappingproxy): the names whose change `changes()` reports,
    their namespaces and their values, flattened so that the comparison is made in C, in a
    millisecond or two."""

    @classmethod
    def of_loaded_modules(cls, earlier: Integrity | None = None) -> Integrity:
        """The record of every module loaded now. Where an `earlier` record (the fork server's,
        `before_fork`) holds a module whose namespaces are all as it recorded them, they are
        taken from it: a child then records only what changed since the fork (its own modules,
        sys.stdout routed, the watched functions), in a few milliseconds instead of some 50."""
        record = cls()
        for name, module in list(sys.modules.items()):
            namespace = getattr(module, "__dict__", None)
            if not isinstance(module, ModuleType) or not isinstance(namespace, dict):
                continue
            record.modules[name] = module
            kept = earlier.by_module.get(name) if earlier is not None else None
            if kept is None or earlier.modules[name] is not module \
                    or not all(n.as_recorded() for n in kept):
                kept = _namespaces_of(name, module, namespace)
            record.by_module[name] = kept
        record._flatten()
        return record

    @property
    def namespaces(self) -> list[_Namespace]:
        """Every namespace recorded, module by module."""
        return list(chain.from_iterable(self.by_module.values()))

    def _flatten(self) -> None:
        """The arrays compared name by name: only the names whose change `changes()` would
        report, those that held functions, classes, modules or descriptors (`_watched`). A name
        that held data or an object of another kind (`asyncio.events._event_loop_policy`, None
        until the first loop and a policy after it; `platform._uname_cache`; aiohttp's cached
        Date, new every second) is rebound in most gradings, and were it here, every comparison
        after it would look through some 2,000 namespaces one by one (4 to 6 ms) to find that
        nothing reportable changed."""
        flat = []
        namespaces = self.namespaces
        for getter, kind in ((dict.get, ModuleType), (MappingProxyType.get, type)):
            chosen = [n for n in namespaces if isinstance(n.owner, kind)]
            # Whole arrays at once, in C: one loop over their 30,000 values would cost 30 ms.
            keys = tuple(chain.from_iterable(n.watched[0] for n in chosen))
            values = tuple(chain.from_iterable(n.watched[1] for n in chosen))
            owners = tuple(chain.from_iterable(repeat(n.current(), len(n.watched[0]))
                                               for n in chosen))
            flat.append((getter, owners, keys, values))
        self._flat = tuple(flat)

    def values(self) -> Iterator[object]:
        """Every value recorded, of modules and of classes alike (with repeats)."""
        return chain.from_iterable(namespace.values for namespace in self.namespaces)

    def _unchanged(self) -> bool:
        return not any(
            any(map(is_not, map(getter, owners, keys), values))
            for getter, owners, keys, values in self._flat
        )

    def changes(self) -> list[str]:
        """What was replaced or deleted since the record was taken, as qualified names."""
        found = [
            f"sys.modules[{name!r}]"
            for name, module in self.modules.items()
            if sys.modules.get(name, module) is not module
        ]
        if found or self._unchanged():  # the common case: every name compared at once, in C
            return found
        for namespace in self.namespaces:  # the names, for the message
            if not namespace.unchanged():
                found.extend(f"{namespace.label}.{key}" for key, _ in namespace.replaced())
        return found

    def restore(self) -> None:
        """Put back everything recorded, so that the grader can report truthfully."""
        sys.modules.update(self.modules)
        for namespace in self.namespaces:
            if not namespace.unchanged():
                namespace.put_back(namespace.replaced())


def _namespaces_of(name: str, module: ModuleType, namespace: dict) -> list[_Namespace]:
    found = [_Namespace(name, module, tuple(namespace), tuple(namespace.values()))]
    for key, value in namespace.items():
        if _mutable_class(value, name):
            attributes = vars(value)
            found.append(_Namespace(f"{name}.{key}", value, tuple(attributes),
                                    tuple(attributes.values())))
    return found


_before_fork: tuple[int, Integrity] | None = None


def before_fork() -> Integrity:
    """The fork server's record of the modules it loaded (taken again when it loaded more),
    which the children it forks inherit and start their own from (`of_loaded_modules`)."""
    global _before_fork
    if _before_fork is None or _before_fork[0] != len(sys.modules):
        earlier = _before_fork[1] if _before_fork is not None else None
        _before_fork = (len(sys.modules), Integrity.of_loaded_modules(earlier))
    return _before_fork[1]


def inherited() -> Integrity | None:
    """The fork server's record, in a child it forked; None in one started as a program."""
    return _before_fork[1] if _before_fork is not None else None


def describe_changes(changed: list[str]) -> str:
    shown = ", ".join(changed[:MAX_REPORTED])
    more = len(changed) - MAX_REPORTED
    return shown + (f" and {more} more" if more > 0 else "")
