"""The farm itself: a web service whose animals answer slowly, written with aiohttp.

Every known animal takes DELAY seconds to answer. The handlers wait with `await`, so while one
animal is thinking, the same process answers everybody else.

Fill in each TODO. Check your work with `make check EXERCISE=06`; serve it by hand with
`python webservice_animals.py` and try http://127.0.0.1:8080/animals/cow in a browser.
"""

import asyncio

from aiohttp import web

FARM = {
    "cow": "Moo!",
    "pig": "Oink!",
    "sheep": "Baaa!",
    "chicken": "Cluck!",
    "bird": "Tweet!",
    "duck": "Quack!",
    "dog": "Woof!",
    "cat": "Meow!",
    "frog": "Ribbit!",
    "horse": "Neigh!",
    "turkey": "Gobble-Gobble!",
    "rooster": "Cock-a-Doodle-Doo!",
}

DELAY = 5
"""Seconds a known animal takes to answer."""


async def hello(request):
    """GET /animals: the farm's greeting."""
    ### BEGIN SOLUTION
    return web.Response(text="Welcome to the farm!")
    ### END SOLUTION


async def speak(request):
    """GET /animals/{name}: the animal's sound after DELAY seconds, or a 404 at once."""
    ### BEGIN SOLUTION
    name = request.match_info["name"]
    if name not in FARM:
        return web.Response(status=404, text=f"The animal {name} was not found.")
    await asyncio.sleep(DELAY)
    return web.Response(text=FARM[name])
    ### END SOLUTION


def make_app():
    """The farm's web.Application, with both routes; it starts no server."""
    ### BEGIN SOLUTION
    app = web.Application()
    app.router.add_get("/animals", hello)
    app.router.add_get("/animals/{name}", speak)
    return app
    ### END SOLUTION


if __name__ == "__main__":
    web.run_app(make_app(), host="127.0.0.1", port=8080)
