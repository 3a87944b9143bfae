async def subscribe(request):
    response = web.StreamResponse()
    response.content_type = "text/plain"
    # Wrong: never prepared, so no headers are sent and write() refuses
    with Subscription(request.app[HUB]) as queue:
        while True:
            message = await queue.get()
            await response.write(f"{message}\r\n".encode())
