def default_headers():
    return {"User-Agent": "awaitlings-warmup"}


HEADERS = default_headers()


def speak(animal, session):
    response = session.get(f"{BASE_URL}/{animal}", headers=HEADERS)
    response.raise_for_status()
    return f'The {animal} says "{response.text}".'
