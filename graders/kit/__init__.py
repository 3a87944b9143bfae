"""The kit for suites: everything a check needs to run student code and judge it.

What a check is (`checks`), what it gets (`context`), what to try for a beginner's mistake
(`advice`), virtual time (`vtime`), what student code prints (`capture`), blocking calls
(`blocking`, `sleeps`, `watched`, `watchdog`), what a module ran while it was imported
(`atimport`), one way to run student code with all of these around it (`running`), driving
coroutines by hand (`tracing`), pictures of time (`timeline`), serving a student's web app and
talking to it (`webserve`) and comparing values without trusting the student's `__eq__`
(`plain`).

Who may import it: suites, the farm's checks, the engine and the exports. The kit imports nothing
of the pack but the manifest.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "BlockingCall": "blocking",
    "Check": "checks",
    "Counting": "running",
    "CheckContext": "context",
    "CheckFailed": "checks",
    "CheckResult": "checks",
    "ClockPolledTooOften": "vtime",
    "CoveredTime": "vtime",
    "Failure": "failure",
    "FakeClock": "vtime",
    "Frame": "failure",
    "ImportRefused": "checks",
    "Listener": "webserve",
    "NOTHING_ELSE_OF_YOURS": "checks",
    "NOT_WRITTEN_YET": "checks",
    "PrintedLine": "capture",
    "Replacement": "running",
    "RuntimeWatch": "blocking",
    "Ran": "running",
    "Scenario": "scenarios",
    "Served": "webserve",
    "SpinGuard": "capture",
    "StandIn": "running",
    "Step": "tracing",
    "Suite": "checks",
    "Tag": "checks",
    "WITHIN": "webserve",
    "TimeSleepCall": "sleeps",
    "Timeline": "timeline",
    "advice_for": "advice",
    "as_list": "scenarios",
    "call_text": "scenarios",
    "compare_traces": "tracing",
    "describe_printed": "capture",
    "fail_on_blocking_calls": "context",
    "observe_blocking_runs": "running",
    "observed_blocking": "context",
    "blocking_judge": "context",
    "code_key": "scenarios",
    "fail_on_handler_errors": "webserve",
    "gantt_side_by_side": "timeline",
    "import_calls": "atimport",
    "is_error": "scenarios",
    "listeners": "webserve",
    "make_narrow": "webserve",
    "no_server_on_import": "webserve",
    "observed": "scenarios",
    "observed_once": "scenarios",
    "observed_printed": "scenarios",
    "plainly_equal": "plain",
    "real_clock_recorded": "sleeps",
    "record_span": "timeline",
    "printed_as_expected": "capture",
    "printed_from": "scenarios",
    "recording_import_calls": "atimport",
    "recording_stdout": "capture",
    "render_printed": "timeline",
    "replaced": "running",
    "require_coroutine": "tracing",
    "row_by_pattern": "timeline",
    "run_student": "running",
    "run_student_forever": "running",
    "run_virtual": "vtime",
    "running_loop_time": "capture",
    "scan_source": "blocking",
    "serving": "webserve",
    "sampled_by": "scenarios",
    "shown": "scenarios",
    "side_by_side": "timeline",
    "sizes": "scenarios",
    "stalled_client": "webserve",
    "time_sleep_recorded": "sleeps",
    "too_fast_advice": "vtime",
    "trace": "tracing",
    "virtual_loop": "vtime",
    "within": "webserve",
}
"""Each name the kit offers suites, and the module of the kit that defines it."""

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    # Imported when first asked for: the learner's commands read results (kit.checks) without
    # paying for aiohttp and blockbuster, which only the checks themselves need.
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'graders.kit' has no attribute {name!r}")
    return getattr(importlib.import_module(f"graders.kit.{module}"), name)
