class Hub:
    subscriptions = set()  # Wrong: one set shared by every Hub

    def publish(self, message):
        for queue in self.subscriptions:
            queue.put_nowait(message)
