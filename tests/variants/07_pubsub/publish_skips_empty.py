class Hub:
    def __init__(self):
        self.subscriptions = set()

    def publish(self, message):
        if not message:  # Wrong: an empty message is a message too
            return
        for queue in self.subscriptions:
            queue.put_nowait(message)
