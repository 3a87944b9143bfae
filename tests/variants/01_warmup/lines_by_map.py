def main(animals=("cow", "pig", "chicken")):
    with requests.Session() as session:
        lines = list(map(lambda animal: speak(animal, session), animals))
    print(*lines, sep="\n")
    return lines
