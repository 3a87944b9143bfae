async def publish(request):
    request.app[HUB].publish(request.query.get("msg", "").strip())  # Wrong: spaces are the message's
    return web.Response(text="ok")
