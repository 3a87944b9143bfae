# Wrong: the stream written with a str instead of bytes.
async def subscribe(request):
    response = web.StreamResponse()
    response.content_type = "text/plain"
    await response.prepare(request)
    with Subscription(request.app[HUB]) as queue:
        while True:
            message = await queue.get()
            await response.write(f"{message}\r\n")
