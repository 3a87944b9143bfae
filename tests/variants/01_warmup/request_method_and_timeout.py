def speak(animal, session):
    response = session.request("GET", BASE_URL + "/" + animal, timeout=30)
    response.raise_for_status()
    sound = response.content.decode("utf-8")
    return f'The {animal} says "{sound}".'
