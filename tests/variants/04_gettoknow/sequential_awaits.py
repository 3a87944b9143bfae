async def list_squares(n):
    # Wrong: each square is awaited before the next one starts.
    results = []
    for x in range(n):
        try:
            results.append(await square(x))
        except ValueError as error:
            results.append(error)
    return results
