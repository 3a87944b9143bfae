async def cook_rice(kitchen):
    # Wrong: the rice goes into cold water.
    pot = kitchen.fill_pot(water_cups=1.75, butter_tbsp=2)
    pot.stir_in("rice", "spices")
    await kitchen.stove.boil(pot)
    await kitchen.stove.simmer(pot, minutes=22)
    pot.fluff()
    await pot.stand(minutes=5)
    return pot
