import time


async def publish(request):
    # Wrong: time.sleep in a handler stops the whole server.
    time.sleep(0.01)
    request.app[HUB].publish(request.query.get("msg", ""))
    return web.Response(text="ok")
