import logging

log = logging.getLogger(__name__)


async def hello(request):
    return web.Response(text="Welcome to the farm!", content_type="text/plain")


async def speak(request):
    name = request.match_info.get("name")
    try:
        sound = FARM[name]
    except KeyError:
        raise web.HTTPNotFound(text=f"The animal {name} was not found.") from None
    print(f"{name} is thinking...")
    log.info("serving %s", name)
    await asyncio.sleep(DELAY)
    return web.Response(body=sound.encode("utf-8"), content_type="text/plain", charset="utf-8")


def make_app():
    app = web.Application()
    app.add_routes([web.get("/animals", hello), web.get(r"/animals/{name:[^/]+}", speak)])
    return app
