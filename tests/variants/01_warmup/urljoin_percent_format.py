def speak(animal, session):
    url = requests.compat.urljoin(BASE_URL + "/", animal)
    response = session.get(url)
    response.raise_for_status()
    return 'The %s says "%s".' % (animal, response.text)


def main(animals=("cow", "pig", "chicken")):
    with requests.Session() as s:
        lines = [speak(animal, s) for animal in animals]
        for line in lines:
            print(line)
    return lines
