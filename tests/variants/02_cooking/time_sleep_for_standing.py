import time


async def cook_rice(kitchen):
    # Wrong: the rice stands with time.sleep, which blocks the whole kitchen (and the kitchen
    # never sees it stand).
    pot = kitchen.fill_pot(water_cups=1.75, butter_tbsp=2)
    await kitchen.stove.boil(pot)
    pot.stir_in("rice", "spices")
    await kitchen.stove.simmer(pot, minutes=22)
    pot.fluff()
    time.sleep(5)
    return pot
