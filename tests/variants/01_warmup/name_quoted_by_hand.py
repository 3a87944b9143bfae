from urllib.parse import quote


def speak(animal, session):
    # Percent-encoding the name by hand: what requests would do by itself, done once.
    response = session.get(f"{BASE_URL}/{quote(animal)}")
    response.raise_for_status()
    response.encoding = "utf-8"
    return f'The {animal} says "{response.text}".'
