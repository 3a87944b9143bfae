class Messages(asyncio.Queue):
    """A queue of its own kind, counting what it was given."""

    def __init__(self):
        super().__init__()
        self.given = 0

    def put_nowait(self, item):
        self.given += 1
        super().put_nowait(item)


class Subscription:
    def __init__(self, hub):
        self.hub = hub
        self.queue = None

    def __enter__(self):
        self.queue = Messages()
        self.hub.subscriptions.add(self.queue)
        return self.queue

    def __exit__(self, *exc_info):
        self.hub.subscriptions.remove(self.queue)
        return False


class Hub:
    def __init__(self):
        self.subscriptions = set()

    def publish(self, message):
        for queue in list(self.subscriptions):
            queue.put_nowait(message)


async def subscribe(request):
    response = web.StreamResponse(status=200, reason="OK")
    response.content_type = "text/plain"
    response.charset = "utf-8"
    response.enable_chunked_encoding()
    await response.prepare(request)
    try:
        with Subscription(request.app["hub"]) as queue:
            while True:
                msg = await queue.get()
                await response.write(msg.encode() + b"\r\n")
    except ConnectionResetError:
        pass
    return response


async def publish(request):
    request.app["hub"].publish(request.rel_url.query["msg"])
    return web.Response(text="ok")


def make_app(hub=None):
    app = web.Application(handler_args={"handler_cancellation": True})
    app["hub"] = hub if hub is not None else Hub()
    app.router.add_route("GET", "/", subscribe)
    app.router.add_route("POST", "/", publish)
    return app
