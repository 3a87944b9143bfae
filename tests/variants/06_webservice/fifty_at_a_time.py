LIMIT = web.AppKey("limit", asyncio.Semaphore)


async def speak(request):
    name = request.match_info["name"]
    if name not in FARM:
        return web.Response(status=404, text=f"The animal {name} was not found.")
    async with request.app[LIMIT]:  # Wrong: only fifty animals think at the same time
        await asyncio.sleep(DELAY)
    return web.Response(text=FARM[name])


def make_app():
    app = web.Application()
    app[LIMIT] = asyncio.Semaphore(50)
    app.router.add_get("/animals", hello)
    app.router.add_get("/animals/{name}", speak)
    return app
