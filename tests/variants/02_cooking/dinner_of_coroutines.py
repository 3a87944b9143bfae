async def make_salmon_dinner(kitchen):
    # Wrong: calls the recipes but never awaits them: a tuple of coroutines, nothing cooked.
    return cook_salmon(kitchen), cook_rice(kitchen), cook_beans(kitchen)
