"""Serving a student's aiohttp application on loopback, inside the check's own event loop.

The check's loop is a looptime loop (graders.kit.vtime), so the tutorial's 5 s delays cost nothing;
the server must run in that same loop for virtual time to work, so it is started here with an
AppRunner rather than in a thread or process.

The app is served the way `web.run_app(app)` serves it by default: handlers are *not* cancelled when
their client leaves. aiohttp.test_utils.TestServer turns cancellation on, which would hide a
streaming handler that never notices its client is gone; an app that wants cancellation asks for it
itself (`web.Application(handler_args={"handler_cancellation": True})`).

Everything listens on 127.0.0.1, on a port the system picks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from yarl import URL

from graders.kit.checks import CheckFailed, ImportRefused
from graders.kit.context import CheckContext, advice_for

SHUTDOWN_SECONDS = 1.0
"""Virtual seconds the server waits for handlers still running when a check ends."""


@dataclass
class Served:
    """A running server: where it listens, and what its handlers raised."""

    url: URL
    runner: web.AppRunner
    errors: list[BaseException] = field(default_factory=list)
    """Exceptions that escaped a handler (aiohttp answered those requests with a 500)."""

    def at(self, path: str) -> URL:
        return self.url.join(URL(path))

    def transport_to(self, client: socket.socket) -> asyncio.Transport | None:
        """The server's side of the connection that `client` (a socket of ours) opened."""
        assert self.runner.server is not None
        for connection in self.runner.server.connections:
            transport = connection.transport
            if transport is not None and transport.get_extra_info("peername") == \
                    client.getsockname():
                return transport
        return None


class _HandlerErrors(logging.Handler):
    """Keeps the exceptions aiohttp logs when a handler raises, instead of printing them."""

    def __init__(self, into: list[BaseException]) -> None:
        super().__init__(level=logging.ERROR)
        self._into = into

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self._into.append(record.exc_info[1])


@contextlib.contextmanager
def _handler_errors_kept(into: list[BaseException]) -> Iterator[None]:
    logger = logging.getLogger("aiohttp.server")
    handler = _HandlerErrors(into)
    saved = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved


@contextlib.asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[Served]:
    """Serve `app` on 127.0.0.1 (a free port) in the running loop, for as long as this lasts."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
    served = Served(URL("http://127.0.0.1"), runner)
    with _handler_errors_kept(served.errors):
        await runner.setup()
        try:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            site = web.SockSite(runner, sock)
            await site.start()
            served.url = URL.build(scheme="http", host="127.0.0.1", port=sock.getsockname()[1])
            yield served
        finally:
            await runner.cleanup()


def fail_on_handler_errors(ctx: CheckContext, served: Served) -> None:
    """Fail with the student's own exception when a handler raised (aiohttp answered 500).

    A connection reset is left out: it is a client hanging up, which the checks do on purpose.
    """
    errors = [error for error in served.errors if not isinstance(error, ConnectionError)]
    if not errors:
        return
    error = errors[0]
    if isinstance(error, NotImplementedError):
        raise CheckFailed(
            "A handler raised NotImplementedError: this part is not written yet.",
            where=ctx.frames(error), not_written_yet=True,
            advice="replace the `raise NotImplementedError` under the TODO with your code.",
        )
    where = ctx.where(error)
    raise CheckFailed(
        f"A handler raised {type(error).__name__}: {error}",
        details=(where + "\n" if where else "") + "(aiohttp answers a request whose handler "
        "raised with a 500 Internal Server Error)",
        advice=advice_for(error),
    )


class ServerStartedOnImport(ImportRefused):
    """web.run_app was called while the student's module was being imported."""


@contextlib.contextmanager
def no_server_on_import() -> Iterator[None]:
    """While the student's modules load, web.run_app refuses to start a server.

    The tutorial's scripts call web.run_app at the top level. Imported by a grader (or by pytest),
    such a module would serve forever on a fixed port of every interface; instead the import fails
    at once, with a message that says how to guard the call.
    """

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise ServerStartedOnImport(
            "it calls web.run_app(...) at the top level, so importing it starts a server that "
            "never returns (and listens on a fixed port), and nothing could be checked. Put the "
            'call under `if __name__ == "__main__":` so that it runs only when you start the '
            "file yourself (python file.py), not when a test or the grader imports it."
        )

    original = web.run_app
    web.run_app = refuse  # type: ignore[assignment]
    try:
        yield
    finally:
        web.run_app = original
