async def _aenter(self):
    time.sleep(1)  # Wrong: blocks the loop while "connecting".
    return self


Connection.__aenter__ = _aenter
