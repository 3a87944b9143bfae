import contextlib


class _Store:
    def __init__(self, url):
        self.url = url
        self.closed = False
        self._values = {}

    async def set_key(self, key, value):
        self._values[key] = value

    async def get_key(self, key):
        return self._values[key]


@contextlib.asynccontextmanager
async def Connection(url):  # Wrong for this step: the lesson is __aenter__ and __aexit__.
    store = _Store(url)
    await asyncio.sleep(1)
    try:
        yield store
    finally:
        await asyncio.sleep(1)
        store.closed = True
