class Subscription:
    def __init__(self, hub):
        self.hub = hub
        self.queue = asyncio.Queue()

    def __enter__(self):
        self.hub.subscriptions.add(self.queue)
        return self.queue

    def __exit__(self, exc_type, exc, traceback):
        self.hub.subscriptions.pop()  # Wrong: whichever queue the set gives, not this one
