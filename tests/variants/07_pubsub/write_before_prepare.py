# Wrong: the stream written before response.prepare(request).
async def subscribe(request):
    response = web.StreamResponse()
    response.content_type = "text/plain"
    with Subscription(request.app[HUB]) as queue:
        while True:
            message = await queue.get()
            await response.write(f"{message}\r\n".encode())
