from sys import stdout


def main(animals=("cow", "pig", "chicken")):
    # Right: a handle on standard output taken at import is standard output all the same.
    lines = []
    with requests.Session() as session:
        for animal in animals:
            line = speak(animal, session)
            stdout.write(line + "\n")
            lines.append(line)
    return lines
