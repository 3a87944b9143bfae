"""`make bench` measures and asserts nothing; what it says of a flip must point the right way."""

from __future__ import annotations

from graders.manifest import find_exercise
from graders.teachers.bench import flipped


def test_a_verdict_that_differed_between_runs_is_named_by_its_check():
    pubsub = find_exercise("07")
    assert pubsub is not None
    ids = [check.id for check in pubsub.checks()]
    always = (True,) * len(ids)
    once_failed = tuple(index != 5 for index in range(len(ids)))
    assert flipped(pubsub, {always, once_failed}) == [ids[5]]
    assert flipped(pubsub, {always}) == []
