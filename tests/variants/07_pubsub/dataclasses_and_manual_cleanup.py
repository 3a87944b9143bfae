from dataclasses import dataclass, field


@dataclass
class Hub:
    subscriptions: set = field(default_factory=set)

    def publish(self, message):
        for queue in self.subscriptions:
            queue.put_nowait(message)


@dataclass
class Subscription:
    hub: Hub
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)

    def __enter__(self):
        self.hub.subscriptions.add(self.queue)
        return self.queue

    def __exit__(self, exc_type, exc, traceback):
        self.hub.subscriptions.discard(self.queue)
        return None


async def subscribe(request):
    hub = request.app[HUB]
    response = web.StreamResponse()
    response.content_type = "text/plain"
    queue = asyncio.Queue()
    hub.subscriptions.add(queue)  # the same as `with Subscription(hub)`, written out
    try:
        await response.prepare(request)
        while True:
            await response.write((await queue.get()).encode() + b"\r\n")
    finally:
        hub.subscriptions.discard(queue)
