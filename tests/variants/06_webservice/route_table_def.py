routes = web.RouteTableDef()


@routes.get("/animals")
async def greet(request):
    return web.Response(text="Welcome to the farm!")


@routes.get("/animals/{name}")
async def animal(request):
    name = request.match_info["name"]
    sound = FARM.get(name)
    if sound is None:
        raise web.HTTPNotFound(text=f"The animal {name} was not found.")
    await asyncio.sleep(DELAY)
    return web.Response(text=sound)


def make_app():
    app = web.Application()
    app.add_routes(routes)
    return app
