# Wrong: __aiter__ written as an async def.
class RemoteContainer(RemoteContainer):
    async def __aiter__(self):
        self.position = 0
        return self
