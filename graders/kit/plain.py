"""Comparing what student code returned with what was expected, without asking the student's
objects.

`==` lets the left or right object decide: an object whose `__eq__` always answers True equals
anything, so `results != [1000, 4, 125]` can be fooled by a list of such objects. A check compares
values from student code with `plainly_equal`, which first requires them to be built of the same
plain types as the expected value (exact types, no subclasses: numbers, strings, None, lists,
tuples, dicts, sets) and only then compares.
"""

from __future__ import annotations

from typing import Any

_SCALARS = (str, bytes, bool, type(None), complex)
_NUMBERS = (int, float)
_HASHABLE = (*_SCALARS, *_NUMBERS)


def plainly_equal(actual: Any, expected: Any) -> bool:
    """True when `actual` is made of plain values equal to `expected`'s."""
    kind = type(expected)
    if kind in _NUMBERS and type(actual) in _NUMBERS:  # 36 and 36.0 are the same number
        return actual == expected
    if type(actual) is not kind:
        return False
    if kind in _SCALARS:
        return actual == expected
    if kind in (list, tuple):
        return len(actual) == len(expected) and all(
            plainly_equal(a, e) for a, e in zip(actual, expected, strict=True)
        )
    if kind is dict:
        return (
            all(type(key) in _HASHABLE for key in actual)
            and actual.keys() == expected.keys()
            and all(plainly_equal(actual[key], expected[key]) for key in expected)
        )
    if kind in (set, frozenset):
        return all(type(item) in _HASHABLE for item in actual) and actual == expected
    return expected.__eq__(actual) is True  # the grader's own type decides, never the student's
