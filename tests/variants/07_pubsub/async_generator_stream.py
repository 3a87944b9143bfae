class Hub:
    def __init__(self):
        self.subscriptions = set()

    def publish(self, message):
        # Right, in another style: a copy of the set, so that a subscriber leaving meanwhile
        # changes nothing under the loop.
        for queue in tuple(self.subscriptions):
            queue.put_nowait(message)


async def messages_of(queue):
    while True:
        yield await queue.get()


async def subscribe(request):
    # Right, in another style: the stream reads an async generator of messages, in chunks.
    response = web.StreamResponse(headers={"Content-Type": "text/plain; charset=utf-8"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    with Subscription(request.app[HUB]) as queue:
        async for message in messages_of(queue):
            await response.write(message.encode("utf-8") + b"\r\n")
    return response
