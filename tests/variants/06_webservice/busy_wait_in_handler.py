import time


async def speak(request):
    # Wrong: waiting on the real clock in a loop holds the whole server the whole time.
    name = request.match_info["name"]
    if name not in FARM:
        return web.Response(status=404, text=f"The animal {name} was not found.")
    deadline = time.monotonic() + DELAY
    while time.monotonic() < deadline: pass
    return web.Response(text=FARM[name])
