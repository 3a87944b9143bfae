"""The farm: the slow animals web service that the clients of exercises 01 and 05 talk to.

It is the pack's own, never taken from a submission. `GET /animals` answers `Welcome to the farm!`;
`GET /animals/{name}` answers the animal's sound after a delay, or 404 with
`The animal {name} was not found.` at once. Anything else (`/animals//cow`, the tutorial's double
slash) gets aiohttp's plain 404.

Every request is written down in a `FarmLog` (what was asked, when it arrived and was answered, on
which connection), so that a grader can say what a client really did, not just what it returned.

- `python -m graders.farm.service --port 8080 --delay 5` (`make farm`) serves it for a learner.
- `farm_in_thread()` serves it from threads of the grader's process, for the blocking client of
  exercise 01 (a `requests` call cannot be answered by a server on its own thread's loop), with
  the standard library's HTTP server: graders/farm/threaded.py says why, and answers the same.
- `farm_on_loop()` serves it on the running event loop, for the aiohttp client of exercise 05, so
  that its delays run on virtual time.

What the farm answers is the tutorial's by default (its twelve animals, one delay). A grader may
give it a table of `Reply`s instead, one per name: any text, any status, any delay per animal, so
that a scenario's made-up animals are what the farm knows. The table is read at each request, so
a grader that keeps one farm running (01's, in its thread) can give it the next scenario's. What
a path gets is decided once for both servers (`route`, `reply_of`: graders/farm/records.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping

from aiohttp import web
from aiohttp.test_utils import TestServer

from graders.farm.records import (  # noqa: F401 (the farm's data, served here and known by name)
    DELAY,
    FARM,
    HOST,
    WELCOME,
    Delays,
    FarmLog,
    Reply,
    RunningFarm,
    Visit,
    not_found,
    replies_for,
    reply_of,
    speech,
)
from graders.farm.threaded import farm_in_thread  # noqa: F401 (where the farm's users look)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def make_farm_app(
    delay: Delays = DELAY,
    animals: Mapping[str, str] = FARM,
    log: FarmLog | None = None,
    replies: Mapping[str, Reply] | None = None,
) -> web.Application:
    """The farm as an aiohttp application.

    `delay` is one number for every animal, or a number per animal (for graders that need answers
    to come back in another order than they were asked for). `replies`, when given, is the whole
    table instead of `animals` and `delay`: read at each request, so that it may change between
    requests. A name it does not hold gets the 404 at once. `log` gets every request.
    """
    table = replies if replies is not None else replies_for(animals, delay)
    log = log if log is not None else FarmLog()
    # One number per transport (one transport per TCP connection) tells a client that reuses its
    # connection from one that opens a new one each time. The transports are kept as keys, so
    # that a closed one cannot hand its id() to a new one.
    connections: dict[object, int] = {}

    @web.middleware
    async def write_down(request: web.Request, handler: Handler) -> web.StreamResponse:
        connection = connections.setdefault(request.transport, len(connections) + 1)
        visit = Visit(path=request.path, arrived=asyncio.get_running_loop().time(),
                      connection=connection, sent=request.raw_path)
        log.visits.append(visit)
        try:
            response = await handler(request)
        except web.HTTPException as error:
            visit.status = error.status
            visit.answered = asyncio.get_running_loop().time()
            raise
        visit.status = response.status
        visit.answered = asyncio.get_running_loop().time()
        return response

    async def answer(name: str) -> web.Response:
        reply = reply_of(table, name)
        if reply.delay > 0:
            await asyncio.sleep(reply.delay)
        return web.Response(status=reply.status, text=reply.text)

    async def welcome(request: web.Request) -> web.Response:
        return await answer("")

    async def speak(request: web.Request) -> web.Response:
        return await answer(request.match_info["name"])

    app = web.Application(middlewares=[write_down])
    app.router.add_get("/animals", welcome)
    app.router.add_get("/animals/{name}", speak)
    return app


@contextlib.asynccontextmanager
async def farm_on_loop(
    delay: Delays = DELAY, animals: Mapping[str, str] = FARM, log: FarmLog | None = None,
    replies: Mapping[str, Reply] | None = None,
) -> AsyncIterator[RunningFarm]:
    """A farm on the running event loop, on a free loopback port, for as long as this lasts."""
    log = log if log is not None else FarmLog()
    server = TestServer(make_farm_app(delay, animals, log, replies), host=HOST, port=0)
    await server.start_server()
    try:
        yield RunningFarm(f"http://{HOST}:{server.port}/animals", log)
    finally:
        await server.close()


async def serve_forever(port: int, delay: float) -> None:
    """Serve the farm on loopback until cancelled; say where (port 0 picks a free port)."""
    runner = web.AppRunner(make_farm_app(delay))
    await runner.setup()
    try:
        await web.TCPSite(runner, HOST, port).start()
        bound_port = runner.addresses[0][1]
        print(f"The farm is open on http://{HOST}:{bound_port}/animals (each animal answers "
              f"after {delay:g} s). Ctrl-C closes it.", flush=True)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m graders.farm.service",
        description="Serve the slow animals farm on loopback.",
    )
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--delay", type=float, default=DELAY,
                        help="seconds each known animal takes to answer (default: 5)")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(args.port, args.delay))
    print("The farm is closed.")


if __name__ == "__main__":
    main()
