class Hub:
    def __init__(self):
        self.subscriptions = set()

    def publish(self, message):
        for queue in list(self.subscriptions)[:10]:  # Wrong: ten subscribers at most
            queue.put_nowait(message)
