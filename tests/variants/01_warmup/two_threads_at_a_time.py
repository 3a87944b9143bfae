from concurrent.futures import ThreadPoolExecutor


def main(animals=("cow", "pig", "chicken")):
    # Wrong for this step: two animals at a time, not one after another.
    with requests.Session() as session, ThreadPoolExecutor(max_workers=2) as pool:
        lines = list(pool.map(lambda animal: speak(animal, session), animals))
    for line in lines:
        print(line)
    return lines
