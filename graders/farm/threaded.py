"""The farm served from threads of the grader's process, for the blocking client of exercise 01,
with the standard library's HTTP server rather than aiohttp's.

A `requests` call cannot be answered by a server on its own thread's event loop, so 01's farm
runs beside the client in threads of its own, with real delays. It answers exactly what the
aiohttp farm of graders/farm/service.py answers (tests/test_farm.py asks both the same requests):
both route with `route` and answer with `reply_of` (graders/farm/records.py), and both write the
same `FarmLog`.

Why not aiohttp here: 01's grading child needs no aiohttp at all but for this server, and
importing it is about a sixth of a second of every grading of 01 (the fork server imports a
suite's libraries when the first child of its exercise is asked for, so that import is on the
way to the first check), and every module loaded is one more the child's integrity record
compares after each check. The standard library's server is small, already half loaded by
`requests` (http.client), and a thread per connection is what a blocking client's farm needs.

Each connection is served by a thread of its own (daemon threads: a client that keeps its
connection open never holds the grader's exit), so answers delayed for several clients at once
overlap as they do on an event loop; a request's arrival and answer are written down with
time.monotonic, the clock of the farm on a loop. A delay waits on an Event, not time.sleep, which
the grading child watches (graders/kit/watched.py). Nothing is written on stderr (a notebook's
kernel shows stderr as an error): the server's log lines are dropped, and so are the errors of
a client that went away.
"""

from __future__ import annotations

import contextlib
import itertools
import socketserver
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler
from urllib.parse import unquote, urlsplit

from graders.farm.records import (
    DELAY,
    FARM,
    HOST,
    Delays,
    FarmLog,
    Reply,
    RunningFarm,
    Visit,
    replies_for,
    reply_of,
    route,
)

PLAIN_NOT_FOUND = Reply("404: Not Found", 404, 0.0)
"""What a path the farm has no route for gets, as from aiohttp."""
NOT_ALLOWED = Reply("405: Method Not Allowed", 405, 0.0)
"""What a route of the farm's gets for a method other than GET or HEAD, as from aiohttp."""
POLL_SECONDS = 0.05
"""How often the server's thread looks whether it is to stop: how long closing a farm takes."""


class _FarmServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """A TCP server with a thread per connection (no name lookup of its host, which
    http.server.HTTPServer would make), holding the farm's table and log."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = False  # port 0: a free port of its own

    def __init__(self, table: Mapping[str, Reply], log: FarmLog) -> None:
        self.table = table
        self.log = log
        self.connection_numbers = itertools.count(1)  # next() is atomic: safe across threads
        super().__init__((HOST, 0), _FarmHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that went away mid-answer is no error of the farm's: nothing is printed.
        Anything else is the farm's own bug, and shown as the server shows it."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class _FarmHandler(BaseHTTPRequestHandler):
    """One connection: its requests, one after another, answered as the farm answers them."""

    protocol_version = "HTTP/1.1"  # keep-alive, as aiohttp: one session, one connection
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart
    server: _FarmServer

    def setup(self) -> None:
        super().setup()
        self.connection_number = next(self.server.connection_numbers)

    def do_GET(self) -> None:  # the names http.server dispatches to
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_POST(self) -> None:  # any other method: written down, then refused (as aiohttp)
        self._refuse()

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_POST

    def _visit(self) -> Visit:
        raw = self.path
        path = unquote(urlsplit(raw).path if "://" in raw else raw.partition("?")[0],
                       errors="replace")
        visit = Visit(path=path, arrived=time.monotonic(), connection=self.connection_number,
                      sent=raw)
        self.server.log.visits.append(visit)  # list.append is atomic: threads share the log
        return visit

    def _answer(self, head: bool) -> None:
        visit = self._visit()
        found = route(visit.path)
        reply = PLAIN_NOT_FOUND if found is None else reply_of(self.server.table, found)
        if reply.delay > 0:
            threading.Event().wait(reply.delay)
        self._send(visit, reply, head)

    def _refuse(self) -> None:
        self._skip_body()
        visit = self._visit()
        self._send(visit, PLAIN_NOT_FOUND if route(visit.path) is None else NOT_ALLOWED, False)

    def _skip_body(self) -> None:
        length = self.headers.get("Content-Length", "")
        if length.isdigit():
            self.rfile.read(int(length))

    def _send(self, visit: Visit, reply: Reply, head: bool) -> None:
        body = reply.text.encode()
        visit.status = reply.status
        visit.answered = time.monotonic()  # before it is sent: a client reads it after this
        self.send_response(reply.status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Nothing on stderr."""


@contextlib.contextmanager
def farm_in_thread(
    delay: Delays = DELAY, animals: Mapping[str, str] = FARM, log: FarmLog | None = None,
    replies: Mapping[str, Reply] | None = None,
) -> Iterator[RunningFarm]:
    """A farm served from threads, on a free loopback port, for as long as this lasts.

    `delay`, `animals` and `replies` as graders.farm.service.make_farm_app takes them: the table
    `replies`, when given, is read at each request, so that it may change between requests."""
    table = replies if replies is not None else replies_for(animals, delay)
    log = log if log is not None else FarmLog()
    server = _FarmServer(table, log)
    server.timeout = POLL_SECONDS
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            server.handle_request()

    thread = threading.Thread(target=serve, name="farm", daemon=True)
    thread.start()
    try:
        yield RunningFarm(f"http://{HOST}:{server.server_address[1]}/animals", log)
    finally:
        stop.set()
        # A farm kept to the end (01's child keeps one) is closed while the interpreter ends,
        # when its daemon thread no longer runs: waiting for it then would never end.
        if not sys.is_finalizing():
            thread.join(timeout=10)
        server.server_close()
