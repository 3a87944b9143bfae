def speak(animal, session):
    # Wrong: an error answer is used as if it were a sound.
    response = session.get(f"{BASE_URL}/{animal}")
    return f'The {animal} says "{response.text}".'
