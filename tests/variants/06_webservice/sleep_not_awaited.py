async def speak(request):
    name = request.match_info["name"]
    if name not in FARM:
        return web.Response(status=404, text=f"The animal {name} was not found.")
    asyncio.sleep(DELAY)  # Wrong: never awaited, so it does not wait
    return web.Response(text=FARM[name])
