async def make_app():
    # Wrong: make_app as a coroutine function returns a coroutine, not an application.
    app = web.Application()
    app.router.add_get("/animals", hello)
    app.router.add_get("/animals/{name}", speak)
    return app
