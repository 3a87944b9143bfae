"""aioresponses 0.7.9 working with aiohttp 3.14, for the visible tests of exercise 05.

The problem: aiohttp 3.14 added a required keyword argument, `stream_writer`, to
`ClientResponse.__init__`. aioresponses 0.7.9 (the latest release) builds its mocked responses
without it, so every mocked request fails with
`TypeError: ClientResponse.__init__() missing 1 required keyword-only argument: 'stream_writer'`.
Upstream: pnuckowski/aioresponses issue #289 (open); pull request #288 (open) passes a stand-in
stream writer when the response class asks for one.

Why a shim rather than another pair: aiohttp 3.13 works with aioresponses 0.7.9, but 3.14 is a
security release and the graders run on it; pinning two aiohttp versions (one for the learner's
tests, one for grading) would test the learner's code against another library than the grader's.

What the shim does, the same as #288: aioresponses builds a response for a request it never sent,
with `writer=None`; in that case aiohttp reads only `stream_writer.output_size` (the bytes sent),
so a stand-in with `output_size = 0` is all it needs. While `aioresponses_fixed()` lasts, each
response class aioresponses builds is given that stand-in when no writer is passed. It changes
nothing when aioresponses does not need it (an older aiohttp, or a fixed aioresponses release),
and it undoes itself at the end. tests/test_aioresponses_fix.py proves both halves.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Iterator
from typing import Any

from aiohttp import ClientResponse
from aioresponses.core import RequestMatch
from yarl import URL


class NothingUploaded:
    """The stream writer of a request that was never sent: zero bytes went out."""

    output_size = 0


@functools.cache
def with_stand_in_writer(response_class: type[ClientResponse]) -> type[ClientResponse]:
    """`response_class`, but given a NothingUploaded stream writer when none is passed."""

    class Response(response_class):  # type: ignore[valid-type, misc]
        def __init__(self, method: str, url: URL, **kwargs: Any) -> None:
            kwargs.setdefault("stream_writer", NothingUploaded())
            super().__init__(method, url, **kwargs)

    Response.__name__ = response_class.__name__
    Response.__qualname__ = response_class.__qualname__
    return Response


def aioresponses_is_broken() -> bool:
    """True when aioresponses cannot build a response with this aiohttp (the bug above)."""
    if "stream_writer" not in inspect.signature(ClientResponse.__init__).parameters:
        return False
    try:
        RequestMatch("http://farm.invalid/")._build_response(URL("http://farm.invalid/"))
    except TypeError as error:
        return "stream_writer" in str(error)
    return False


@contextlib.contextmanager
def aioresponses_fixed() -> Iterator[None]:
    """aioresponses builds responses aiohttp 3.14 accepts, while this lasts."""
    if not aioresponses_is_broken():
        yield
        return
    original = RequestMatch._build_response

    @functools.wraps(original)
    def build_response(self: RequestMatch, url: Any, *args: Any,
                       response_class: type[ClientResponse] | None = None,
                       **kwargs: Any) -> ClientResponse:
        fixed = with_stand_in_writer(response_class or ClientResponse)
        return original(self, url, *args, response_class=fixed, **kwargs)

    RequestMatch._build_response = build_response  # type: ignore[method-assign]
    try:
        yield
    finally:
        RequestMatch._build_response = original  # type: ignore[method-assign]
