import urllib.error
import urllib.request


def speak(animal, session):
    # Wrong: urllib instead of the session it was given
    try:
        with urllib.request.urlopen(f"{BASE_URL}/{animal}") as answer:
            sound = answer.read().decode()
    except urllib.error.HTTPError as error:
        raise requests.HTTPError(str(error)) from error
    return f'The {animal} says "{sound}".'
