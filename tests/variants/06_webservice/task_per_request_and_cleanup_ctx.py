THINKING = web.AppKey("thinking", set)


async def sound_of(name):
    await asyncio.sleep(DELAY)
    return FARM[name]


async def speak(request):
    # Right, in another style: each known animal thinks in a task of its own, which the handler
    # awaits; the app keeps its tasks and cancels those left at shutdown.
    name = request.match_info["name"]
    try:
        FARM[name]
    except KeyError:
        return web.Response(status=404, text="The animal %s was not found." % name)
    task = asyncio.create_task(sound_of(name))
    request.app[THINKING].add(task)
    task.add_done_callback(request.app[THINKING].discard)
    return web.Response(text=await task)


async def keep_tasks(app):
    app[THINKING] = set()
    yield
    for task in app[THINKING]:
        task.cancel()


def make_app():
    app = web.Application()
    app.cleanup_ctx.append(keep_tasks)
    app.add_routes([web.route("GET", "/animals", hello), web.route("GET", "/animals/{name}", speak)])
    return app
