class RemoteContainer:
    def __init__(self, items, delay=1):
        self.items = list(items)
        self.delay = delay

    def __aiter__(self):
        self.position = 0
        return self

    async def __anext__(self):
        if self.position >= len(self.items):
            raise StopAsyncIteration
        asyncio.sleep(self.delay)  # Wrong: a coroutine that is never awaited never sleeps.
        self.position += 1
        return self.items[self.position - 1]
