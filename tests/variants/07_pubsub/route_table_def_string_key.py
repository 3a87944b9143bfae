routes = web.RouteTableDef()


@routes.get("/")
async def listen(request):
    response = web.StreamResponse()
    response.content_type = "text/plain"
    await response.prepare(request)
    with Subscription(request.app["hub"]) as queue:
        while True:
            message = await queue.get()
            await response.write(f"{message}\r\n".encode())


@routes.post("/")
async def send(request):
    request.app["hub"].publish(request.query.get("msg", ""))
    return web.Response(text="ok")


def make_app(hub=None):
    # Right, in the older style: a string key on the app (aiohttp warns, but it works).
    app = web.Application(handler_args={"handler_cancellation": True})
    app["hub"] = hub if hub is not None else Hub()
    app.add_routes(routes)
    return app
