async def subscribe(request):
    response = web.StreamResponse()
    response.content_type = "text/plain"
    await response.prepare(request)
    with Subscription(request.app[HUB]) as queue:
        while True:
            await asyncio.sleep(0.5)  # Wrong: looks for messages every half second
            while not queue.empty():
                await response.write(f"{queue.get_nowait()}\r\n".encode())
