"""Stubs are generated from solutions; the committed ones must be current."""

import pytest

from graders.stubs import MarkerError, make_stub, stale_stubs, strip_markers

SOLUTION = '''def double(x):
    """Twice x."""
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
'''


def test_a_marked_region_becomes_a_todo_that_raises():
    assert make_stub(SOLUTION) == '''def double(x):
    """Twice x."""
    # TODO: your code here
    raise NotImplementedError
'''


def test_markers_are_dropped_from_the_readable_solution():
    assert "###" not in strip_markers(SOLUTION)
    assert "return 2 * x" in strip_markers(SOLUTION)


def test_an_unclosed_region_is_an_error():
    with pytest.raises(MarkerError):
        make_stub("### BEGIN SOLUTION\nx = 1\n")


def test_an_end_without_begin_is_an_error():
    with pytest.raises(MarkerError):
        make_stub("x = 1\n### END SOLUTION\n")


def test_committed_stubs_are_what_the_solutions_generate():
    assert stale_stubs() == [], "run `make generate`"
