# Right: a countdown over range(n), printing n - left; the items popped off a copy made by __aiter__.
async def stop_in(n):
    loop = asyncio.get_running_loop()
    for left in range(n):
        print(f"Shutdown in {n - left}...")
        await asyncio.sleep(1)
    loop.stop()

class RemoteContainer:
    def __init__(self, items, delay=1):
        self.items = list(items)
        self.delay = delay
    def __aiter__(self):
        self.pending = list(self.items)
        return self
    async def __anext__(self):
        if not self.pending:
            raise StopAsyncIteration
        await asyncio.sleep(self.delay)
        return self.pending.pop(0)
