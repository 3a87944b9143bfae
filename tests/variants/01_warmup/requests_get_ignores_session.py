def speak(animal, session):
    response = requests.get(f"{BASE_URL}/{animal}")  # Wrong: not the session it was given
    response.raise_for_status()
    return f'The {animal} says "{response.text}".'
