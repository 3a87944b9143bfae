class Subscription:
    # Wrong: the queue is added but never removed, so every subscriber that ever came leaks.
    def __init__(self, hub):
        self.hub = hub
        self.queue = asyncio.Queue()

    def __enter__(self):
        self.hub.subscriptions.add(self.queue)
        return self.queue

    def __exit__(self, exc_type, exc, traceback):
        pass
