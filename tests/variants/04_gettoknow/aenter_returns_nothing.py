# Wrong: __aenter__ returns nothing, so `as connection` is None.
class Connection(Connection):
    async def __aenter__(self):
        await asyncio.sleep(1)
