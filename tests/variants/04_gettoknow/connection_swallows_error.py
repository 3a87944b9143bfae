async def _aexit(self, exc_type, exc, traceback):
    await asyncio.sleep(1)
    self.closed = True
    return True  # Wrong: a true value swallows the block's exception.


Connection.__aexit__ = _aexit
