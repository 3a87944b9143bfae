def main(animals=("cow", "pig", "chicken")):
    lines = []
    for animal in animals:
        with requests.Session() as session:  # Wrong: a new session (and connection) each time
            line = speak(animal, session)
        print(line)
        lines.append(line)
    return lines
