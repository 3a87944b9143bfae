class LineStream(web.StreamResponse):
    """Right, in another style: a response of one's own that counts the lines it sent."""

    def __init__(self):
        super().__init__(headers={"Content-Type": "text/plain"})
        self.lines_sent = 0

    async def send_line(self, message):
        await self.write(f"{message}\r\n".encode())
        self.lines_sent += 1


async def subscribe(request):
    response = LineStream()
    await response.prepare(request)
    with Subscription(request.app[HUB]) as queue:
        while True:
            await response.send_line(await queue.get())
