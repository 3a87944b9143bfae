from time import sleep


async def speak(request):
    # Wrong: the sleep bound at import blocks the whole server while one animal thinks.
    name = request.match_info["name"]
    if name not in FARM:
        return web.Response(status=404, text=f"The animal {name} was not found.")
    sleep(DELAY)
    return web.Response(text=FARM[name])
