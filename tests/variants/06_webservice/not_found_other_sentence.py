async def speak(request):
    name = request.match_info["name"]
    if name not in FARM:
        # Wrong: a 404, but not the farm's sentence
        raise web.HTTPNotFound(text=f"No {name} on this farm.")
    await asyncio.sleep(DELAY)
    return web.Response(text=FARM[name])
