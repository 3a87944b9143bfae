# Wrong: BASE_URL keeps the tutorial's trailing slash, and speak relies on it.
BASE_URL = "http://127.0.0.1:8080/animals/"


def speak(animal, session):
    response = session.get(BASE_URL + animal)
    response.raise_for_status()
    return f'The {animal} says "{response.text}".'
