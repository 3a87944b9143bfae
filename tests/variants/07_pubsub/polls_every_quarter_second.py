async def subscribe(request):
    response = web.StreamResponse()
    response.content_type = "text/plain"
    await response.prepare(request)
    with Subscription(request.app[HUB]) as queue:
        while True:
            try:
                message = queue.get_nowait()
            except asyncio.QueueEmpty:
                await asyncio.sleep(0.25)  # Wrong: a message that comes meanwhile waits
                continue
            await response.write(f"{message}\r\n".encode())
