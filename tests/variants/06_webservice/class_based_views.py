class Greeting(web.View):
    async def get(self):
        return web.Response(text="Welcome to the farm!")


class Animal(web.View):
    async def get(self):
        name = self.request.match_info["name"]
        if name not in FARM:
            return web.Response(status=404, text=f"The animal {name} was not found.")
        await asyncio.sleep(DELAY)
        return web.Response(text=FARM[name])


def make_app():
    app = web.Application()
    app.router.add_view("/animals", Greeting)
    app.router.add_view("/animals/{name}", Animal)
    return app
