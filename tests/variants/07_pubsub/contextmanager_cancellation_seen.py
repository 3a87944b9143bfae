import contextlib


@contextlib.contextmanager
def Subscription(hub):
    queue = asyncio.Queue()
    hub.subscriptions.add(queue)
    try:
        yield queue
    finally:
        hub.subscriptions.remove(queue)


async def subscribe(request):
    response = web.StreamResponse(headers={"Content-Type": "text/plain"})
    await response.prepare(request)
    try:
        with Subscription(request.app[HUB]) as queue:
            while True:
                await response.write(bytes(f"{await queue.get()}\r\n", "utf-8"))
    except asyncio.CancelledError:
        print("a subscriber left")
        raise
    except (ConnectionResetError, ConnectionError):
        return response


async def publish(request):
    hub = request.app[HUB]
    message = request.query["msg"]
    hub.publish(message)
    return web.Response(text="ok", status=200)
