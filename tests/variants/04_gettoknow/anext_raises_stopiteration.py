# Wrong: __anext__ ends with StopIteration instead of StopAsyncIteration.
class RemoteContainer:
    def __init__(self, items, delay=1):
        self.items = list(items)
        self.delay = delay
    def __aiter__(self):
        self.position = 0
        return self
    async def __anext__(self):
        if self.position >= len(self.items):
            raise StopIteration
        await asyncio.sleep(self.delay)
        self.position += 1
        return self.items[self.position - 1]
