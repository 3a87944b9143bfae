import sys


def main(animals=("cow", "pig", "chicken")):
    with requests.Session() as session:
        lines = [speak(animal, session) for animal in animals]
    sys.stdout.writelines(f"{line}\n" for line in lines)
    sys.stdout.flush()
    return lines
