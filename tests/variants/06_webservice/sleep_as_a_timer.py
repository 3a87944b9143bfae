async def speak(request):
    # Right, in another style: a future that a timer resolves, instead of asyncio.sleep.
    name = request.match_info["name"]
    if name not in FARM:
        return web.Response(status=404, text=f"The animal {name} was not found.")
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    loop.call_later(DELAY, done.set_result, FARM[name])
    return web.Response(text=await done)
