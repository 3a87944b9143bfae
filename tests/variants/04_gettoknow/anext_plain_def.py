# Wrong: __anext__ written as a plain def that returns the item without waiting.
class RemoteContainer(RemoteContainer):
    def __anext__(self):
        if self.position >= len(self.items):
            raise StopAsyncIteration
        self.position += 1
        return self.items[self.position - 1]
