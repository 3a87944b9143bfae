# Wrong: the handler called when its route is added: hello() instead of hello.
def make_app():
    app = web.Application()
    app.router.add_get("/animals", hello())
    app.router.add_get("/animals/{name}", speak)
    return app
