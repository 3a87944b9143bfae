"""The wire between the child and the parent: every event kind travels and comes back the same,
and whatever else reaches the pipe is dropped without an exception."""

from __future__ import annotations

import json
import os

import pytest

from graders.engine import protocol
from graders.engine.protocol import (
    KINDS,
    MAX_EVENTS,
    MAX_LINE_BYTES,
    MAX_REFUSED,
    Finished,
    Imported,
    ImportFailed,
    Reader,
    Refused,
    Restart,
    Result,
    Spoilt,
    Start,
    Verified,
    Writer,
    encode,
)
from graders.kit.failure import Failure, Frame

TOKEN = "secret"
ONE_OF_EACH = [
    Imported(),
    ImportFailed("byhand.py has a syntax error at line 1"),
    Start(0),
    Result(0, passed=False, failure=Failure(
        "square(3) returned 6", expected="9", actual="6", details="a list", why="it matters",
        advice="look", where=(Frame("byhand.py", 3, "square", "return x + x"),),
        notes=("Python warned",), not_written_yet=True, stopped="hang", builds_on=("a check",),
    ), output="hi\n", timeline="█░", virtual_seconds=3.0),
    Refused("start a program"),
    Start(1),
    Result(1, passed=True),
    Verified(),
    Restart(2),
    Spoilt("Your code replaced what Python or the grader rely on during this check"),
    Finished(),
]


def line(**fields: object) -> bytes:
    return (json.dumps({"token": TOKEN, **fields}) + "\n").encode()


def test_every_kind_of_event_comes_back_as_it_was_sent():
    assert {type(event) for event in ONE_OF_EACH} == set(KINDS.values())
    wire = b"".join(encode(event, TOKEN) for event in ONE_OF_EACH)
    assert Reader(TOKEN).feed(wire) == ONE_OF_EACH


def test_events_written_on_a_pipe_are_read_back_in_pieces():
    read_fd, write_fd = os.pipe()
    writer = Writer(write_fd, TOKEN)
    for event in ONE_OF_EACH:
        writer.send(event)
    os.close(write_fd)
    reader, events = Reader(TOKEN), []
    while chunk := os.read(read_fd, 7):  # lines cut anywhere
        events.extend(reader.feed(chunk))
    os.close(read_fd)
    assert events == ONE_OF_EACH


def test_long_text_fields_are_cut_by_the_writer():
    wire = encode(Result(0, passed=False, failure=Failure("x" * 100_000)), TOKEN)
    assert len(wire) < 2 * protocol.MAX_FIELD_CHARS
    reader = Reader(TOKEN)
    reader.feed(encode(Start(0), TOKEN))
    (result,) = reader.feed(wire)
    assert "characters cut" in result.failure.summary


def test_only_a_result_for_the_check_started_last_is_believed_and_once():
    forged = line(token="guess", event="result", index=0, passed=True)
    unstarted = line(event="result", index=3, passed=True)
    start = line(event="start", index=0)
    result = line(event="result", index=0, passed=False)
    again = line(event="result", index=0, passed=True)
    events = Reader(TOKEN).feed(forged + unstarted + start + result + again)
    assert events == [Start(0), Result(0, passed=False)]


@pytest.mark.parametrize("junk", [
    b"junk", b"", b"[1]", b"{}", b"\xff\xfe", b'{"token": "secret"', b'{"token": "secret"}',
    b'{"token": "secretive", "event": "finished"}', b'{"token": "secret", "event": "nothing"}',
    b'{"token": "secret", "event": "start"}',
    b'{"token": "secret", "event": "start", "index": "0"}',
    b'{"token": "secret", "event": "start", "index": true}',
    b'{"token": "secret", "event": "start", "index": 1e999}',
    b'{"token": "secret", "event": "start", "index": ' + b"9" * 5000 + b"}",
    b'{"token": "secret", "event": "result", "index": 0, "passed": 1}',
    b'{"token": "secret", "event": "refused", "what": ["a"]}',
    b'{"token": "secret", "event": "import_failed", "message": null}',
    b'{"token": "secret", "event": "result", "index": 0, "passed": false, "failure": "text"}',
    b'{"token": "secret", "event": "result", "index": 0, "passed": false, '
    b'"failure": {"summary": "x", "stopped": "gone"}}',
    b'{"token": "secret", "event": "result", "index": 0, "passed": false, '
    b'"failure": {"summary": "x", "where": [{"file": "a.py"}]}}',
    b'{"token": "secret", "event": "finished", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
], ids=lambda junk: repr(junk[:40]))
def test_a_line_that_is_not_an_event_of_this_run_is_dropped(junk):
    reader = Reader(TOKEN)
    reader.feed(line(event="start", index=0))
    assert reader.feed(junk + b"\n") == []
    assert reader.feed(line(event="finished")) == [Finished()]  # and the reader goes on


def test_a_line_longer_than_the_limit_is_dropped_and_never_held_whole():
    reader = Reader(TOKEN)
    huge = line(event="import_failed", message="x" * MAX_LINE_BYTES)
    assert reader.feed(huge) == []
    for _ in range(3):
        assert reader.feed(b"x" * MAX_LINE_BYTES) == []
    assert len(reader._pending) <= MAX_LINE_BYTES
    assert reader.feed(b"tail\n" + line(event="finished")) == [Finished()]


def test_a_flood_of_junk_lines_is_dropped_unparsed(monkeypatch):
    # Parsing a million empty lines took the parent 4 s a megabyte, past its deadlines.
    parsed = []
    monkeypatch.setattr(protocol.json, "loads", lambda data: parsed.append(data) or {})
    reader = Reader(TOKEN)
    assert reader.feed(b"\n" * 100_000 + b"junk\n" * 100 + b"[1]\n") == []
    assert parsed == []


def test_a_flood_of_true_events_is_capped():
    reader = Reader(TOKEN)
    refusals = b"".join(line(event="refused", what=f"try {i}") for i in range(MAX_REFUSED * 3))
    assert len(reader.feed(line(event="start", index=0) + refusals)) == 1 + MAX_REFUSED
    starts = b"".join(line(event="start", index=i) for i in range(MAX_EVENTS))
    assert len(reader.feed(starts)) == MAX_EVENTS - 1 - MAX_REFUSED
    assert reader.feed(line(event="finished")) == []
