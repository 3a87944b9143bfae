def speak(animal, session):
    (response := session.get("{}/{}".format(BASE_URL, animal))).raise_for_status()
    return response.raise_for_status() or 'The {0} says "{1}".'.format(animal, response.text)


def main(animals=("cow", "pig", "chicken")):
    with requests.Session() as s:
        return [print(line) or line for line in (speak(animal, s) for animal in animals)]
