@web.middleware
async def not_on_the_farm(request, handler):
    # Right, in another style: the handler looks the animal up and lets KeyError fly; this
    # middleware turns it into the farm's 404, before anything waited.
    try:
        return await handler(request)
    except KeyError:
        name = request.match_info.get("name", "")
        return web.Response(status=404, text=f"The animal {name} was not found.")


async def speak(request):
    sound = FARM[request.match_info["name"]]
    await asyncio.sleep(DELAY)
    return web.Response(text=sound)


def make_app():
    app = web.Application(middlewares=[not_on_the_farm])
    app.router.add_get("/animals", hello)
    app.router.add_get("/animals/{name}", speak)
    return app
