async def speak(request):
    # Wrong: no check for unknown animals, so FARM[name] raises KeyError (a 500).
    name = request.match_info["name"]
    sound = FARM[name]
    await asyncio.sleep(DELAY)
    return web.Response(text=sound)
