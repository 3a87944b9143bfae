async def speak(request):
    name = request.match_info["name"]
    if name not in FARM:
        return web.Response(status=404, text=f"The animal {name} was not found.")
    try:
        await asyncio.wait_for(asyncio.Event().wait(), timeout=DELAY)
    except TimeoutError:
        pass
    return web.Response(text=FARM[name])
