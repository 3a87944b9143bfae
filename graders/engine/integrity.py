"""The integrity record: what the child compares after the import and after every check.

A record of every function, class and module that the loaded modules hold (the grader's, Python's,
the libraries'), and of the methods of their classes, taken by graders/engine/child.py before the
student's code runs. A submission that replaced asyncio.sleep, time.sleep, a loop's clock,
json.dumps, CheckFailed or any function of the grader fails, with the names of what it replaced,
and the record is put back before anything is reported. The audit hook that refuses what no
solution needs is the guard's (graders/engine/guard.py).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import accumulate, chain, compress, repeat
from operator import is_not, not_
from types import MappingProxyType, ModuleType

_MISSING = object()
_BETWEEN = object()
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

    namespaces: list[_Namespace] = field(default_factory=list)
    modules: dict[str, ModuleType] = field(default_factory=dict)
    _flat: tuple[tuple, ...] = ()
    """Per kind of namespace (dict, mappingproxy): the namespaces, names and values, flattened
    so that a comparison name by name is made in C, in a few milliseconds. Made on the first
    comparison that needs it, which few gradings reach: made with the record, it was half of
    the record's time (10 of 20 ms)."""
    _dicts: tuple[dict, ...] = ()
    _referring: tuple[object, ...] = ()
    _held: tuple[list[object], list[object], list[int]] = ([], [], [])
    """Every namespace's dict; the same, a marker between two; and what they held the last time
    nothing had changed: their names and their values in order, and their sizes. The common
    case, nothing changed, is answered from the dicts' own tables without looking a name up."""

    @classmethod
    def of_loaded_modules(cls) -> Integrity:
        record = cls()
        for name, module in list(sys.modules.items()):
            namespace = getattr(module, "__dict__", None)
            if not isinstance(module, ModuleType) or not isinstance(namespace, dict):
                continue
            record.modules[name] = module
            record.namespaces.append(
                _Namespace(name, module, tuple(namespace), tuple(namespace.values()))
            )
            for key, value in namespace.items():
                if _mutable_class(value, name):
                    attributes = vars(value)
                    record.namespaces.append(_Namespace(
                        f"{name}.{key}", value, tuple(attributes), tuple(attributes.values())
                    ))
        record._hold()
        return record

    def _hold(self) -> None:
        self._dicts = tuple(_dict_of(namespace.current()) for namespace in self.namespaces)
        between = (_BETWEEN,)  # a tuple's only reference: the marker
        self._referring = tuple(item for held in self._dicts for item in (held, between))
        self._held = self._holding()

    def _flat_arrays(self) -> tuple[tuple, ...]:
        """The arrays compared name by name: only the names whose change `changes()` would
        report. A name that held data (`asyncio.events._event_loop_policy` is None until the
        first loop, `platform._uname_cache` until the first call, aiohttp's cached Date changes
        every second) is rebound in most gradings, and were it here, each comparison after it
        would take the slow path through some 2,000 namespaces (4 to 6 ms)."""
        flat = []
        for getter, kind in ((dict.get, ModuleType), (MappingProxyType.get, type)):
            chosen = [n for n in self.namespaces if isinstance(n.owner, kind)]
            # Whole arrays at once, in C: a Python loop over 2,000 namespaces costs 3 ms more.
            keys = list(chain.from_iterable(n.keys for n in chosen))
            values = list(chain.from_iterable(n.values for n in chosen))
            owners = list(chain.from_iterable(repeat(n.current(), len(n.keys)) for n in chosen))
            kept = list(map(not_, map(_DATA_TYPES.__contains__, map(type, values))))
            starts = accumulate((len(n.keys) for n in chosen), initial=0)
            for start, namespace in zip(starts, chosen, strict=False):  # one start more
                rebound = _REBOUND_KEYS.get(getattr(namespace.owner, "__name__", ""))
                for offset, key in enumerate(namespace.keys if rebound else ()):
                    if key in rebound:
                        kept[start + offset] = False
            flat.append((getter, tuple(compress(owners, kept)), tuple(compress(keys, kept)),
                         tuple(compress(values, kept))))
        self._flat = tuple(flat)
        return self._flat

    def _holding(self) -> tuple[list[object], list[object], list[int]]:
        """The dicts' names in order, their values in order (gc.get_referents of a dict of
        names gives its values alone, a marker after each dict's), and their sizes."""
        return (list(chain.from_iterable(self._dicts)), gc.get_referents(*self._referring),
                list(map(len, self._dicts)))

    def _hold_the_same(self, held: tuple[list[object], list[object], list[int]]) -> bool:
        """Each dict holds the same names and values, in the same order, as before: then every
        name recorded still holds its value."""
        (names, values, sizes), (names_before, values_before, sizes_before) = held, self._held
        return (sizes == sizes_before and len(values) == len(values_before)
                and not any(map(is_not, names, names_before))
                and not any(map(is_not, values, values_before)))

    def values(self) -> Iterator[object]:
        """Every value recorded, of modules and of classes alike (with repeats)."""
        return chain.from_iterable(namespace.values for namespace in self.namespaces)

    def _unchanged(self) -> bool:
        return not any(
            any(map(is_not, map(getter, owners, keys), values))
            for getter, owners, keys, values in self._flat or self._flat_arrays()
        )

    def changes(self) -> list[str]:
        """What was replaced or deleted since the record was taken, as qualified names."""
        found = [
            f"sys.modules[{name!r}]"
            for name, module in self.modules.items()
            if sys.modules.get(name, module) is not module
        ]
        if found:
            return found
        held = self._holding()
        if self._hold_the_same(held):
            return found
        if not self._unchanged():
            for namespace in self.namespaces:
                if not namespace.unchanged():
                    found.extend(f"{namespace.label}.{key}" for key, _ in namespace.replaced())
        if not found:  # a name was added, or data rebound (a module's cache): the new normal,
            self._held = held  # as taken before the comparison: a change since is seen next
        return found

    def restore(self) -> None:
        """Put back everything recorded, so that the grader can report truthfully."""
        sys.modules.update(self.modules)
        for namespace in self.namespaces:
            if not namespace.unchanged():
                namespace.put_back(namespace.replaced())


def _dict_of(namespace: Mapping[str, object]) -> object:
    """The dict itself: a module's, or the one a class's mappingproxy shows."""
    return namespace if type(namespace) is dict else gc.get_referents(namespace)[0]


def describe_changes(changed: list[str]) -> str:
    shown = ", ".join(changed[:MAX_REPORTED])
    more = len(changed) - MAX_REPORTED
    return shown + (f" and {more} more" if more > 0 else "")
