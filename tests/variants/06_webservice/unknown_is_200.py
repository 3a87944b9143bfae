async def speak(request):
    # Wrong: the not-found sentence, but with the status 200 OK.
    name = request.match_info["name"]
    if name not in FARM:
        return web.Response(text=f"The animal {name} was not found.")
    await asyncio.sleep(DELAY)
    return web.Response(text=FARM[name])
