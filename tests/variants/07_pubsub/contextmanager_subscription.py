import contextlib


@contextlib.contextmanager
def Subscription(hub):
    queue = asyncio.Queue()
    hub.subscriptions.add(queue)
    try:
        yield queue
    finally:
        hub.subscriptions.remove(queue)
