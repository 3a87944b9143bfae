async def _aexit(self, exc_type, exc, traceback):
    # Wrong: the connection stays open when the block raised.
    if exc_type is None:
        await asyncio.sleep(1)
        self.closed = True


Connection.__aexit__ = _aexit
