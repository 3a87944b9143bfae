def speak(animal, session):
    # Wrong: the farm's names are asked for as they are given, capitals too.
    response = session.get(f"{BASE_URL}/{animal.lower()}")
    response.raise_for_status()
    return f'The {animal} says "{response.text}".'
