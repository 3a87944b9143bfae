class Stream(web.View):
    async def get(self):
        response = web.StreamResponse(headers={"Content-Type": "text/plain; charset=utf-8"})
        await response.prepare(self.request)
        with Subscription(self.request.app[HUB]) as queue:
            while True:
                await response.write((await queue.get() + "\r\n").encode("utf-8"))

    async def post(self):
        self.request.app[HUB].publish(self.request.query["msg"])
        return web.Response(text="ok")


def make_app(hub=None):
    app = web.Application(handler_args={"handler_cancellation": True})
    app[HUB] = hub or Hub()
    app.router.add_view("/", Stream)
    return app
