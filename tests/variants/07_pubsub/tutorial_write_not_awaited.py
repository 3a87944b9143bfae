async def subscribe(request):
    # Wrong, as in the tutorial: response.write is a coroutine; without await nothing is sent.
    response = web.StreamResponse()
    response.content_type = "text/plain"
    await response.prepare(request)
    with Subscription(request.app[HUB]) as queue:
        while True:
            message = await queue.get()
            response.write(f"{message}\r\n".encode())
