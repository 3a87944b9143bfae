class _Cursor:
    def __init__(self, items, delay):
        self._items = iter(items)
        self._delay = delay

    async def __anext__(self):
        await asyncio.sleep(self._delay)
        try:
            return next(self._items)
        except StopIteration:
            raise StopAsyncIteration from None


class RemoteContainer:
    # Each async for gets a cursor of its own; the end is noticed after one more delay.
    def __init__(self, items, delay=1):
        self.items = list(items)
        self.delay = delay

    def __aiter__(self):
        return _Cursor(self.items, self.delay)
