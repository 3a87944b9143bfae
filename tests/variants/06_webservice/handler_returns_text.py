# Wrong: the greeting returned as a str instead of a web.Response.
async def hello(request):
    return "Welcome to the farm!"
