async def subscribe(request):
    # Wrong: lines end with \n instead of \r\n.
    response = web.StreamResponse()
    response.content_type = "text/plain"
    await response.prepare(request)
    with Subscription(request.app[HUB]) as queue:
        while True:
            message = await queue.get()
            await response.write(f"{message}\n".encode())
