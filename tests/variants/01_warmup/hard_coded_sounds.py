SOUNDS = {"cow": "Moo!", "pig": "Oink!", "chicken": "Cluck!", "duck": "Quack!", "horse": "Neigh!"}


def speak(animal, session):
    response = session.get(f"{BASE_URL}/{animal}")
    response.raise_for_status()
    return f'The {animal} says "{SOUNDS.get(animal, "?")}".'  # Wrong: not the farm's answer
