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
        ### BEGIN SOLUTION
        self.subscriptions = set()
        ### END SOLUTION

    def publish(self, message):
        """Put the message on every subscriber's queue."""
        ### BEGIN SOLUTION
        for queue in self.subscriptions:
            queue.put_nowait(message)
        ### END SOLUTION


class Subscription:
    """`with Subscription(hub) as queue:` listens to the hub for as long as the block lasts."""

    def __init__(self, hub):
        ### BEGIN SOLUTION
        self.hub = hub
        self.queue = asyncio.Queue()
        ### END SOLUTION

    def __enter__(self):
        ### BEGIN SOLUTION
        self.hub.subscriptions.add(self.queue)
        return self.queue
        ### END SOLUTION

    def __exit__(self, exc_type, exc, traceback):
        ### BEGIN SOLUTION
        self.hub.subscriptions.discard(self.queue)
        ### END SOLUTION


HUB = web.AppKey("hub", Hub)
"""Where the application keeps its hub: `request.app[HUB]`."""


async def subscribe(request):
    """GET /: stream every message published from now on, one `message\\r\\n` line each."""
    ### BEGIN SOLUTION
    response = web.StreamResponse()
    response.content_type = "text/plain"
    await response.prepare(request)
    with Subscription(request.app[HUB]) as queue:
        while True:
            message = await queue.get()
            await response.write(f"{message}\r\n".encode())
    ### END SOLUTION


async def publish(request):
    """POST /?msg=...: publish msg to every subscriber, and answer `ok`."""
    ### BEGIN SOLUTION
    request.app[HUB].publish(request.query.get("msg", ""))
    return web.Response(text="ok")
    ### END SOLUTION


def make_app(hub=None):
    """The pub/sub web.Application, around `hub` (a new Hub when none is given)."""
    ### BEGIN SOLUTION
    # By default aiohttp lets a handler run on after its client has gone, until it next writes;
    # a subscriber waiting for a message would keep its queue in the hub. Cancel it at once.
    app = web.Application(handler_args={"handler_cancellation": True})
    app[HUB] = Hub() if hub is None else hub
    app.router.add_get("/", subscribe)
    app.router.add_post("/", publish)
    return app
    ### END SOLUTION


if __name__ == "__main__":
    web.run_app(make_app(), host="127.0.0.1", port=8080)
