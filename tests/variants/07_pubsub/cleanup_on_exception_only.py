import contextlib


@contextlib.contextmanager
def Subscription(hub):
    queue = asyncio.Queue()
    hub.subscriptions.add(queue)
    try:
        yield queue
    except Exception:  # Wrong: CancelledError, which a hung-up client brings, is no Exception
        hub.subscriptions.discard(queue)
        raise
    hub.subscriptions.discard(queue)
