class Hub:
    def __init__(self):
        self.subscriptions = set()

    def publish(self, message):
        for queue in self.subscriptions:
            queue.put_nowait(message)
            break  # Wrong: only one subscriber hears it
