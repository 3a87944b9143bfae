"""Publish and subscribe over HTTP: a hub with one queue per listening client.

GET / keeps its connection open and streams, one line each, every message published from then on;
POST /?msg=... publishes a message to everybody listening.

Fill in each TODO. Check your work with `make check EXERCISE=07`; serve it by hand with
`python pubsub.py`, listen with `curl -N http://127.0.0.1:8080/` in one terminal and publish with
`curl -X POST "http://127.0.0.1:8080/?msg=hello"` in another.
"""

import asyncio

from aiohttp import web


class Hub:
    """Everybody listening: `subscriptions` holds one asyncio.Queue per subscriber."""

    def __init__(self):
        # TODO: your code here
        raise NotImplementedError

    def publish(self, message):
        """Put the message on every subscriber's queue."""
        # TODO: your code here
        raise NotImplementedError


class Subscription:
    """`with Subscription(hub) as queue:` listens to the hub for as long as the block lasts."""

    def __init__(self, hub):
        # TODO: your code here
        raise NotImplementedError

    def __enter__(self):
        # TODO: your code here
        raise NotImplementedError

    def __exit__(self, exc_type, exc, traceback):
        # TODO: your code here
        raise NotImplementedError


HUB = web.AppKey("hub", Hub)
"""Where the application keeps its hub: `request.app[HUB]`."""


async def subscribe(request):
    """GET /: stream every message published from now on, one `message\\r\\n` line each."""
    # TODO: your code here
    raise NotImplementedError


async def publish(request):
    """POST /?msg=...: publish msg to every subscriber, and answer `ok`."""
    # TODO: your code here
    raise NotImplementedError


def make_app(hub=None):
    """The pub/sub web.Application, around `hub` (a new Hub when none is given)."""
    # TODO: your code here
    raise NotImplementedError


if __name__ == "__main__":
    web.run_app(make_app(), host="127.0.0.1", port=8080)
