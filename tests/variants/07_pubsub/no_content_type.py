async def subscribe(request):
    # Wrong: no content type, so aiohttp says application/octet-stream.
    response = web.StreamResponse()
    await response.prepare(request)
    with Subscription(request.app[HUB]) as queue:
        while True:
            message = await queue.get()
            await response.write(f"{message}\r\n".encode())
