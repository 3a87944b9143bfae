async def subscribe(request):
    response = web.StreamResponse()
    response.content_type = "text/plain"
    await response.prepare(request)
    with Subscription(request.app[HUB]) as queue:
        message = await queue.get()
        await response.write(f"{message}\r\n".encode())
    await response.write_eof()  # Wrong: the stream ends after one message
    return response
