class ManualSleep:
    """An awaitable written as a class: __await__ returns an iterator that yields once."""

    def __init__(self, n):
        self.n = n

    def __await__(self):
        yield self.n


manual_sleep = ManualSleep
