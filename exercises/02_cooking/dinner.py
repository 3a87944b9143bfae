"""Dinner for one cook: salmon, rice pilaf and green beans, cooked concurrently.

Fill in each TODO. Check your work with `make check EXERCISE=02`.
The kitchen (kitchen.py, beside this file) is provided: read it to see what it can do.
"""

import asyncio
import queue
import threading

from kitchen import Kitchen, ThreadKitchen

# Part 1: coroutines. Every wait of a Kitchen is awaited.


async def cook_salmon(kitchen):
    """Preheat the oven to 350 °F, arrange the filets, dress each with 2 tbsp of orange-ginger
    dressing, bake 18 minutes. Returns the salmon."""
    # TODO: your code here
    raise NotImplementedError


async def cook_rice(kitchen):
    """Fill a pot with 1.75 cups of water and 2 tbsp of butter, bring it to a boil, stir in the
    rice and the spices, cover and simmer 22 minutes, fluff, let stand 5 minutes.
    Returns the pot of rice pilaf."""
    # TODO: your code here
    raise NotImplementedError


async def cook_beans(kitchen):
    """Take the bag of green beans, poke it, microwave it 5 minutes. Returns the beans."""
    # TODO: your code here
    raise NotImplementedError


async def make_salmon_dinner(kitchen):
    """Cook the three recipes at the same time; return (salmon, rice, beans)."""
    # TODO: your code here
    raise NotImplementedError


# Part 2: threads. Every wait of a ThreadKitchen blocks the thread that asked for it.


def cook_salmon_blocking(kitchen):
    """cook_salmon for a ThreadKitchen: the same steps, no await."""
    # TODO: your code here
    raise NotImplementedError


def cook_rice_blocking(kitchen):
    """cook_rice for a ThreadKitchen: the same steps, no await."""
    # TODO: your code here
    raise NotImplementedError


def cook_beans_blocking(kitchen):
    """cook_beans for a ThreadKitchen: the same steps, no await."""
    # TODO: your code here
    raise NotImplementedError


def make_salmon_dinner_with_threads(kitchen):
    """Cook the three blocking recipes in three threads at once, hand each dish back through a
    queue.Queue, and return (salmon, rice, beans)."""
    # TODO: your code here
    raise NotImplementedError


async def main():
    kitchen = Kitchen(seconds_per_minute=0.1)  # a kitchen minute in a tenth of a second
    dinner = await make_salmon_dinner(kitchen)
    print(f"{dinner} after {kitchen.now():.0f} kitchen minutes")
    thread_kitchen = ThreadKitchen(seconds_per_minute=0.1)
    dinner = make_salmon_dinner_with_threads(thread_kitchen)
    print(f"{dinner} after {thread_kitchen.now():.0f} kitchen minutes, with threads")
    for step in kitchen.steps:
        print(step)


if __name__ == "__main__":
    asyncio.run(main())
