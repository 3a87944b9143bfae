def main(animals=("cow", "pig", "chicken")):
    session = requests.Session()
    try:
        lines = [speak(animal, session) for animal in animals]
    finally:
        session.close()
    for line in lines:
        print(line)
    return lines
