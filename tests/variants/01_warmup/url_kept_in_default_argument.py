def speak(animal, session, base_url="http://192.0.2.1/animals"):
    # Wrong: the URL is fixed when the function is defined, so the grader's BASE_URL is not used
    # (and this one is not on this machine: the grader refuses to connect there).
    response = session.get(f"{base_url}/{animal}", timeout=30)
    response.raise_for_status()
    return f'The {animal} says "{response.text}".'
