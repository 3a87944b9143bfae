async def hello(request):
    # Wrong: other words than the farm's greeting.
    return web.Response(text="Welcome to the zoo!")
