from concurrent.futures import ThreadPoolExecutor


def main(animals=("cow", "pig", "chicken")):
    # Wrong for this step: the warmup asks for one animal after another.
    with requests.Session() as session, ThreadPoolExecutor() as pool:
        lines = list(pool.map(lambda animal: speak(animal, session), animals))
    for line in lines:
        print(line)
    return lines
