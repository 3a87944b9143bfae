async def subscribe(request):
    # Wrong, as in the tutorial: aiohttp's responses have no status_code; this line does nothing.
    response = web.StreamResponse()
    response.content_type = "text/plain"
    response.status_code = 200
    await response.prepare(request)
    with Subscription(request.app[HUB]) as queue:
        while True:
            message = await queue.get()
            await response.write(f"{message}\r\n".encode())
