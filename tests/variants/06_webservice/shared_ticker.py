TICKS = web.AppKey("ticks", list)
TICK = 0.5


async def tick(app):
    # Wrong: one clock for the whole server, ticking every half second; a request waits for ten
    # ticks, so one that comes between two ticks answers early.
    async def ticking():
        while True:
            await asyncio.sleep(TICK)
            app[TICKS][0] += 1

    app[TICKS] = [0]
    task = asyncio.create_task(ticking())
    yield
    task.cancel()


async def speak(request):
    name = request.match_info["name"]
    if name not in FARM:
        return web.Response(status=404, text=f"The animal {name} was not found.")
    ticks = request.app[TICKS]
    until = ticks[0] + round(DELAY / TICK)
    while ticks[0] < until:
        await asyncio.sleep(TICK / 5)
    return web.Response(text=FARM[name])


def make_app():
    app = web.Application()
    app.cleanup_ctx.append(tick)
    app.router.add_get("/animals", hello)
    app.router.add_get("/animals/{name}", speak)
    return app
