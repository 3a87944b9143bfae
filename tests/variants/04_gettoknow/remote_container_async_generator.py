class RemoteContainer:
    # Wrong for this step: an async generator skips the __anext__ protocol it is about.
    def __init__(self, items, delay=1):
        self.items = list(items)
        self.delay = delay

    async def __aiter__(self):
        for item in self.items:
            await asyncio.sleep(self.delay)
            yield item
