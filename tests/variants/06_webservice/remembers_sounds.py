HEARD = set()


async def speak(request):
    name = request.match_info["name"]
    if name not in FARM:
        return web.Response(status=404, text=f"The animal {name} was not found.")
    if name not in HEARD:  # Wrong: an animal asked again answers at once
        await asyncio.sleep(DELAY)
        HEARD.add(name)
    return web.Response(text=FARM[name])
