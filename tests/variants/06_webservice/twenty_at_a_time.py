import asyncio

from aiohttp import web

FARM = {
    "cow": "Moo!", "pig": "Oink!", "sheep": "Baaa!", "chicken": "Cluck!", "bird": "Tweet!",
    "duck": "Quack!", "dog": "Woof!", "cat": "Meow!", "frog": "Ribbit!", "horse": "Neigh!",
    "turkey": "Gobble-Gobble!", "rooster": "Cock-a-Doodle-Doo!",
}
DELAY = 5
LIMIT = web.AppKey("limit", asyncio.Semaphore)


async def hello(request):
    return web.Response(text="Welcome to the farm!")


async def speak(request):
    name = request.match_info["name"]
    if name not in FARM:
        return web.Response(status=404, text=f"The animal {name} was not found.")
    async with request.app[LIMIT]:  # Wrong: only twenty animals think at the same time
        await asyncio.sleep(DELAY)
    return web.Response(text=FARM[name])


def make_app():
    app = web.Application()
    app[LIMIT] = asyncio.Semaphore(20)
    app.router.add_get("/animals", hello)
    app.router.add_get("/animals/{name}", speak)
    return app


if __name__ == "__main__":
    web.run_app(make_app(), port=8081)
