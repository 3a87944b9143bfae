def speak(animal, session):
    response = session.get("/".join([BASE_URL, animal]))
    if not response.ok:
        raise requests.HTTPError(f"{response.status_code}: {response.text}", response=response)
    return 'The {} says "{}".'.format(animal, response.text)
