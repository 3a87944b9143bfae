def speak(animal, session):
    request = requests.Request("GET", "{}/{}".format(BASE_URL, animal))
    response = session.send(session.prepare_request(request))
    response.raise_for_status()
    return "The {} says \"{}\".".format(animal, response.text)


def main(animals=("cow", "pig", "chicken")):
    session = requests.Session()
    lines = []
    for animal in animals:
        lines.append(speak(animal, session))
        print(lines[-1], flush=True)
    session.close()
    return lines
