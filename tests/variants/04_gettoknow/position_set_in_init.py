# Wrong: the position starts in __init__, so a second async for finds nothing.
class RemoteContainer:
    def __init__(self, items, delay=1):
        self.items = list(items)
        self.delay = delay
        self.position = 0
    def __aiter__(self):
        return self
    async def __anext__(self):
        if self.position >= len(self.items):
            raise StopAsyncIteration
        await asyncio.sleep(self.delay)
        self.position += 1
        return self.items[self.position - 1]
