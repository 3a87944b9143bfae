async def speak(request):
    # Wrong: even an animal that is not on the farm makes the client wait DELAY seconds.
    name = request.match_info["name"]
    await asyncio.sleep(DELAY)
    if name not in FARM:
        return web.Response(status=404, text=f"The animal {name} was not found.")
    return web.Response(text=FARM[name])
