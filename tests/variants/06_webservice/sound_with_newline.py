async def speak(request):
    name = request.match_info["name"]
    if name not in FARM:
        return web.Response(status=404, text=f"The animal {name} was not found.")
    await asyncio.sleep(DELAY)
    return web.Response(text=FARM[name] + "\n")  # Wrong: more than the sound
