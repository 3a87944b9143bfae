def make_app(hub=None):
    # Wrong, as in the tutorial: nothing tells a waiting handler that its client left, so the
    # queue stays in the hub until a write to the closed connection fails.
    app = web.Application()
    app[HUB] = Hub() if hub is None else hub
    app.router.add_get("/", subscribe)
    app.router.add_post("/", publish)
    return app
