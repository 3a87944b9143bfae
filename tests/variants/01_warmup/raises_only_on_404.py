def speak(animal, session):
    response = session.get(f"{BASE_URL}/{animal}")
    if response.status_code == 404:  # Wrong: 404 is one error status among many
        response.raise_for_status()
    return f'The {animal} says "{response.text}".'
