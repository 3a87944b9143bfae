from urllib.parse import quote, unquote


async def speak(request):
    # Right: quote and unquote compute strings; nothing here waits.
    name = unquote(request.match_info["name"])
    if name not in FARM:
        return web.Response(status=404, text=f"The animal {name} was not found.")
    await asyncio.sleep(DELAY)
    return web.Response(text=FARM[quote(name)])
