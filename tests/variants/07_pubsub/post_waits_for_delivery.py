async def subscribe(request):
    response = web.StreamResponse()
    response.content_type = "text/plain"
    await response.prepare(request)
    with Subscription(request.app[HUB]) as queue:
        while True:
            message = await queue.get()
            await response.write(f"{message}\r\n".encode())
            queue.task_done()


async def publish(request):
    # Wrong: the POST waits until every subscriber has written the message, so one client that
    # stops reading holds up every publisher (and, through them, everybody else).
    hub = request.app[HUB]
    hub.publish(request.query.get("msg", ""))
    for queue in list(hub.subscriptions):
        await queue.join()
    return web.Response(text="ok")
