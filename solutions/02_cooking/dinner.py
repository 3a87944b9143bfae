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
    ### BEGIN SOLUTION
    await kitchen.oven.preheat(350)
    salmon = kitchen.arrange_filets()
    salmon.dress("orange-ginger dressing", tbsp_each=2)
    await kitchen.oven.bake(salmon, minutes=18)
    return salmon
    ### END SOLUTION


async def cook_rice(kitchen):
    """Fill a pot with 1.75 cups of water and 2 tbsp of butter, bring it to a boil, stir in the
    rice and the spices, cover and simmer 22 minutes, fluff, let stand 5 minutes.
    Returns the pot of rice pilaf."""
    ### BEGIN SOLUTION
    pot = kitchen.fill_pot(water_cups=1.75, butter_tbsp=2)
    await kitchen.stove.boil(pot)
    pot.stir_in("rice", "spices")
    await kitchen.stove.simmer(pot, minutes=22)
    pot.fluff()
    await pot.stand(minutes=5)
    return pot
    ### END SOLUTION


async def cook_beans(kitchen):
    """Take the bag of green beans, poke it, microwave it 5 minutes. Returns the beans."""
    ### BEGIN SOLUTION
    beans = kitchen.bag_of_green_beans()
    beans.poke()
    await kitchen.microwave.cook(beans, minutes=5)
    return beans
    ### END SOLUTION


async def make_salmon_dinner(kitchen):
    """Cook the three recipes at the same time; return (salmon, rice, beans)."""
    ### BEGIN SOLUTION
    async with asyncio.TaskGroup() as group:
        meat = group.create_task(cook_salmon(kitchen))
        starch = group.create_task(cook_rice(kitchen))
        veggie = group.create_task(cook_beans(kitchen))
    return meat.result(), starch.result(), veggie.result()
    ### END SOLUTION


# Part 2: threads. Every wait of a ThreadKitchen blocks the thread that asked for it.


def cook_salmon_blocking(kitchen):
    """cook_salmon for a ThreadKitchen: the same steps, no await."""
    ### BEGIN SOLUTION
    kitchen.oven.preheat(350)
    salmon = kitchen.arrange_filets()
    salmon.dress("orange-ginger dressing", tbsp_each=2)
    kitchen.oven.bake(salmon, minutes=18)
    return salmon
    ### END SOLUTION


def cook_rice_blocking(kitchen):
    """cook_rice for a ThreadKitchen: the same steps, no await."""
    ### BEGIN SOLUTION
    pot = kitchen.fill_pot(water_cups=1.75, butter_tbsp=2)
    kitchen.stove.boil(pot)
    pot.stir_in("rice", "spices")
    kitchen.stove.simmer(pot, minutes=22)
    pot.fluff()
    pot.stand(minutes=5)
    return pot
    ### END SOLUTION


def cook_beans_blocking(kitchen):
    """cook_beans for a ThreadKitchen: the same steps, no await."""
    ### BEGIN SOLUTION
    beans = kitchen.bag_of_green_beans()
    beans.poke()
    kitchen.microwave.cook(beans, minutes=5)
    return beans
    ### END SOLUTION


def make_salmon_dinner_with_threads(kitchen):
    """Cook the three blocking recipes in three threads at once, hand each dish back through a
    queue.Queue, and return (salmon, rice, beans)."""
    ### BEGIN SOLUTION
    dishes = queue.Queue()

    def cook(course, recipe):
        dishes.put((course, recipe(kitchen)))

    recipes = [cook_salmon_blocking, cook_rice_blocking, cook_beans_blocking]
    threads = [
        threading.Thread(target=cook, args=(course, recipe))
        for course, recipe in enumerate(recipes)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    served = dict(dishes.get() for _ in recipes)
    return served[0], served[1], served[2]
    ### END SOLUTION


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
