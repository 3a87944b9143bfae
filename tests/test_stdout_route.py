"""Standard output as the student's code sees it (graders/kit/capture.py): a handle taken at import
(`from sys import stdout`) writes into the recorder of the check running then."""

from __future__ import annotations

import io
import types

from graders.kit import capture
from graders.kit.capture import StandardOutput, recording_stdout


def test_a_handle_on_standard_output_taken_earlier_is_recorded_during_a_check(monkeypatch):
    real = io.StringIO()
    route = StandardOutput(real)
    monkeypatch.setattr(capture, "_routed", [route])
    student = types.SimpleNamespace(stdout=route)  # what `from sys import stdout` gave
    with recording_stdout(clock=lambda: None) as printed:
        student.stdout.write("hello\n")
        print("and", "goodbye", file=student.stdout)
        student.stdout.writelines(["last\n"])
    student.stdout.write("after\n")
    assert printed.texts == ["hello", "and goodbye", "last"]
    assert real.getvalue() == "after\n"  # outside a check, the real output


def test_a_handle_taken_while_a_recording_runs_is_the_route(monkeypatch):
    route = StandardOutput(io.StringIO())
    monkeypatch.setattr(capture, "_routed", [route])
    with recording_stdout(clock=lambda: None):
        import sys
        taken = sys.stdout  # as a module imported during the recording takes it
    assert taken is route
    with recording_stdout(clock=lambda: None) as later:
        print("seen", file=taken)
    assert later.texts == ["seen"]
