def main(animals=("cow", "pig", "chicken")):
    with requests.Session() as session:
        lines = tuple(speak(animal, session) for animal in animals)  # Wrong: a tuple
    for line in lines:
        print(line)
    return lines
