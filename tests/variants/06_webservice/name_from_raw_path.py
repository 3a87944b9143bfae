async def speak(request):
    name = request.raw_path.rsplit("/", 1)[-1]  # Wrong: still percent-encoded (sea%20lion)
    if name not in FARM:
        return web.Response(status=404, text=f"The animal {name} was not found.")
    await asyncio.sleep(DELAY)
    return web.Response(text=FARM[name])
