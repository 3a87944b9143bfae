"""Serving a student's aiohttp application on loopback, inside the check's own event loop.

The check's loop is a looptime loop (graders.kit.vtime), so the tutorial's 5 s delays cost nothing;
the server must run in that same loop for virtual time to work, so it is started here with an
AppRunner rather than in a thread or process.

The app is served the way `web.run_app(app)` serves it by default: handlers are *not* cancelled when
their client leaves. aiohttp.test_utils.TestServer turns cancellation on, which would hide a
streaming handler that never notices its client is gone; an app that wants cancellation asks for it
itself (`web.Application(handler_args={"handler_cancellation": True})`).

Everything listens on 127.0.0.1, on a port the system picks. The clients of the checks talk to
it from the same loop: streaming listeners, a client that stalls, `within` to let the loop run
until something holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from yarl import URL

from graders.kit.advice import advice_for
from graders.kit.checks import CheckFailed, ImportRefused
from graders.kit.context import CheckContext

WITHIN = 1.0
"""Virtual seconds for anything that needs no waiting: a message to arrive, a queue to leave."""
POLL = 0.05
"""Virtual seconds between two looks of `within`."""
BACKLOG = 1024
"""Connections the listening socket holds before the server accepts them."""
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
            # A crowd connects all at once: past the backlog (128 by default) the kernel drops
            # connections, whose retries come a real second later, many virtual seconds here.
            site = web.SockSite(runner, sock, backlog=BACKLOG)
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


# --- Talking to a served app ----------------------------------------------------------------------


async def within(condition: Callable[[], bool], seconds: float = WITHIN) -> bool:
    """Let the loop run until `condition()` holds, for at most `seconds` of virtual time."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(POLL)
    return True


@dataclass
class Listener:
    """A client streaming GET /, with its own session, recording what it receives."""

    name: str
    session: aiohttp.ClientSession
    data: bytearray = field(default_factory=bytearray)
    status: int | None = None
    content_type: str | None = None
    error: BaseException | None = None
    task: asyncio.Task | None = None
    arrived: list[tuple[float, int]] = field(default_factory=list)
    """(loop time, bytes received by then) for each chunk, as it came."""

    async def _run(self, url: Any) -> None:
        loop = asyncio.get_running_loop()
        try:
            async with self.session.get(url) as response:
                self.status = response.status
                self.content_type = response.headers.get("Content-Type")
                async for chunk in response.content.iter_any():
                    self.data += chunk
                    self.arrived.append((loop.time(), len(self.data)))
        except aiohttp.ClientError as error:
            self.error = error

    async def leave(self) -> None:
        """Hang up: close the connection, as a browser tab that is closed."""
        await self.session.close()
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    @property
    def messages(self) -> list[str]:
        """The complete lines received so far, whatever they end with (\\r\\n or \\n)."""
        *complete, _ = bytes(self.data).decode("utf-8", "replace").split("\n")
        return [text.removesuffix("\r") for text in complete]

    def line_times(self) -> list[float]:
        """The loop time at which each complete line arrived."""
        data, ends = bytes(self.data), []
        end = data.find(b"\n") + 1
        while end:
            ends.append(end)
            end = data.find(b"\n", end) + 1
        times, chunks = [], iter(self.arrived)
        moment, size = next(chunks, (0.0, 0))
        for end in ends:
            while size < end:
                moment, size = next(chunks)
            times.append(moment)
        return times

    def has(self, messages: list[str]) -> bool:
        return len(self.messages) >= len(messages)


@contextlib.asynccontextmanager
async def listeners() -> AsyncIterator[Callable[[Served, str], Listener]]:
    """Start listeners with `listen(served, name)`; all of them hang up at the end."""
    started: list[Listener] = []

    def listen(served: Served, name: str) -> Listener:
        listener = Listener(name, aiohttp.ClientSession())
        listener.task = asyncio.create_task(listener._run(served.at("/")))
        started.append(listener)
        return listener

    try:
        yield listen
    finally:
        for listener in started:
            await listener.leave()


def make_narrow(transport: asyncio.Transport | None) -> None:
    """Shrink the server's buffers for one connection to a few KB, as on a slow network.

    Left alone, the kernel would take megabytes for a client that reads nothing (how much
    depends on the machine) before the handler had to wait.
    """
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    transport.set_write_buffer_limits(high=16384)


@contextlib.asynccontextmanager
async def stalled_client(served: Served) -> AsyncIterator[socket.socket]:
    """A connection, with a small receive buffer, that never reads what it is sent."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    try:
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", served.url.port))
        yield sock
    finally:
        sock.close()
