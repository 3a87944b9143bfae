class Subscription:
    queue = asyncio.Queue()  # Wrong: one queue for every subscriber

    def __init__(self, hub):
        self.hub = hub

    def __enter__(self):
        self.hub.subscriptions.add(self.queue)
        return self.queue

    def __exit__(self, *exc_info):
        self.hub.subscriptions.discard(self.queue)
