class Connection:
    def __init__(self, url):
        self.url = url
        self.closed = None
        self._values = {}

    async def __aenter__(self):
        await asyncio.sleep(1)
        self.closed = False
        return self

    async def __aexit__(self, exc_type, exc, traceback):
        try:
            await asyncio.sleep(1)
        finally:
            self.closed = True
        return False

    async def set_key(self, key, value):
        await asyncio.sleep(0.1)
        self._values[key] = value

    async def get_key(self, key):
        await asyncio.sleep(0.1)
        return self._values.get(key)
