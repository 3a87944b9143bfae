import contextlib


@contextlib.contextmanager
def Subscription(hub):
    # Wrong: without try/finally, an exception in the block skips the removal.
    queue = asyncio.Queue()
    hub.subscriptions.add(queue)
    yield queue
    hub.subscriptions.remove(queue)
