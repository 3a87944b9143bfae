def speak(animal, session):
    response = session.get(f"{BASE_URL}/{animal}")
    if response.status_code >= 400:  # Wrong: not the error the contract names
        raise ValueError(f"the farm answered {response.status_code} for {animal}")
    return f'The {animal} says "{response.text}".'
