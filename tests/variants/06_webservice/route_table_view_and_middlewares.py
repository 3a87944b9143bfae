routes = web.RouteTableDef()


@routes.view("/animals/{name}")
class AnimalView(web.View):
    async def get(self):
        name = self.request.match_info["name"]
        if name not in FARM:
            raise web.HTTPNotFound(text=f"The animal {name} was not found.")
        await asyncio.sleep(DELAY)
        return web.Response(text=FARM[name])


@routes.get("/animals")
async def welcome(request):
    return web.Response(text="Welcome to the farm!")


@web.middleware
async def server_header(request, handler):
    response = await handler(request)
    response.headers["Server"] = "farm"
    return response


def make_app():
    app = web.Application(middlewares=[web.normalize_path_middleware(), server_header])
    app.router.add_routes(routes)
    return app
