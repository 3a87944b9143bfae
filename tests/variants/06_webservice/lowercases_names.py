async def speak(request):
    name = request.match_info["name"]
    sound = FARM.get(name.lower())  # Wrong: Cow is not an animal of FARM
    if sound is None:
        return web.Response(status=404, text=f"The animal {name} was not found.")
    await asyncio.sleep(DELAY)
    return web.Response(text=sound)
