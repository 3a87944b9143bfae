async def speak(request):
    name = request.match_info["name"]
    if name not in FARM:
        return web.HTTPNotFound(text="The animal {} was not found.".format(name))
    await asyncio.sleep(DELAY)
    return web.Response(text=FARM[name])


def make_app():
    app = web.Application()
    app.router.add_route("GET", "/animals", hello)
    app.router.add_route("GET", "/animals/{name}", speak)
    return app
