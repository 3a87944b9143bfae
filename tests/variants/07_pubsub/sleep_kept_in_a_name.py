pause = __import__("time").sleep


async def publish(request):
    # Wrong: a sleep kept under another name at import still stops the whole server.
    pause(0.01)
    request.app[HUB].publish(request.query.get("msg", ""))
    return web.Response(text="ok")
