DEFAULT_HUB = Hub()


def make_app(hub=None):
    # Wrong: every app made without a hub shares the module's one.
    app = web.Application(handler_args={"handler_cancellation": True})
    app[HUB] = hub or DEFAULT_HUB
    app.router.add_get("/", subscribe)
    app.router.add_post("/", publish)
    return app
