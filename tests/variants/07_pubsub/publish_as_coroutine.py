class Hub:
    def __init__(self):
        self.subscriptions = set()

    async def publish(self, message):  # Wrong: a coroutine nobody awaits in the handler
        for queue in self.subscriptions:
            await queue.put(message)
