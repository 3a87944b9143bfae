from time import sleep


async def publish(request):
    # Wrong: the sleep bound at import stops the whole server.
    sleep(0.01)
    request.app[HUB].publish(request.query.get("msg", ""))
    return web.Response(text="ok")
