async def make_salmon_dinner(kitchen):
    # Wrong: each await runs a whole recipe before the next one starts.
    salmon = await cook_salmon(kitchen)
    rice = await cook_rice(kitchen)
    beans = await cook_beans(kitchen)
    return salmon, rice, beans
