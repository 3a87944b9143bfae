import threading


def main(animals=("cow", "pig", "chicken")):
    # Wrong: every animal at once in threads, each line printed as its answer comes back.
    lines = [None] * len(animals)
    with requests.Session() as session:
        def ask(index, animal):
            lines[index] = speak(animal, session)
            print(lines[index])

        threads = [threading.Thread(target=ask, args=(i, a)) for i, a in enumerate(animals)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return lines
