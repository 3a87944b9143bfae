async def speak(request):
    name = request.match_info["name"]
    if name not in FARM:
        return web.Response(status=404, text=f"The animal {name} was not found.")
    await asyncio.sleep(DELAY)
    return web.Response(text=FARM.pop(name))  # Wrong: an animal answers only the first time
