def make_app(hub=None):
    # Right, in another style: handlers close over the hub, and the stream notices a client
    # that left by looking at its connection whenever no message came for a moment.
    hub = Hub() if hub is None else hub

    async def listen(request):
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        await response.prepare(request)
        with Subscription(hub) as queue:
            while True:
                try:
                    message = await asyncio.wait_for(queue.get(), timeout=0.25)
                except TimeoutError:
                    if request.transport is None or request.transport.is_closing():
                        return response
                    continue
                await response.write(f"{message}\r\n".encode())

    async def send(request):
        hub.publish(request.query.get("msg", ""))
        return web.Response(text="ok")

    app = web.Application()
    app.add_routes([web.get("/", listen), web.post("/", send)])
    return app
