import sys


def speak(animal, session):
    with session.get(f"{BASE_URL}/{animal}", stream=True) as response:
        response.raise_for_status()
        sound = "".join(response.iter_content(decode_unicode=True, chunk_size=None))
    return f"The {animal} says \"{sound}\"."


def main(animals=("cow", "pig", "chicken")):
    lines = []
    with requests.Session() as session:
        session.headers["User-Agent"] = "awaitlings"
        for animal in animals:
            line = speak(animal, session)
            sys.stdout.write(line + "\n")
            lines.append(line)
    return lines
