def make_app():
    # Wrong: a lock held while waiting lets only one animal think at a time.
    barn_door = asyncio.Lock()

    async def speak_alone(request):
        name = request.match_info["name"]
        if name not in FARM:
            return web.Response(status=404, text=f"The animal {name} was not found.")
        async with barn_door:
            await asyncio.sleep(DELAY)
        return web.Response(text=FARM[name])

    app = web.Application()
    app.router.add_get("/animals", hello)
    app.router.add_get("/animals/{name}", speak_alone)
    return app
