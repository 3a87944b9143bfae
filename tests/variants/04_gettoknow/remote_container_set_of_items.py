class RemoteContainer:
    # Wrong: the items go through a set, which drops repeats and loses their order (sorted, they
    # happen to come out right for ['a', 'b', 'c']).
    def __init__(self, items, delay=1):
        self.items = sorted(set(items), key=repr)
        self.delay = delay

    def __aiter__(self):
        self.position = 0
        return self

    async def __anext__(self):
        if self.position >= len(self.items):
            raise StopAsyncIteration
        await asyncio.sleep(self.delay)
        item = self.items[self.position]
        self.position += 1
        return item
