async def _aexit(self, exc_type, exc, traceback):
    # Wrong: blocks; catching whatever the grader's detector raises does not hide it.
    try:
        time.sleep(1)
    except Exception:
        await asyncio.sleep(1)
    self.closed = True


Connection.__aexit__ = _aexit
