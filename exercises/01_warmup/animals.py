"""Animals in the cloud: ask a slow web service for each animal's sound, one after another.

Start the farm in another terminal with `make farm`, then run
`python exercises/01_warmup/animals.py`.
Fill in each TODO. Check your work with `make check EXERCISE=01`.
"""

import requests

BASE_URL = "http://127.0.0.1:8080/animals"


def speak(animal, session: requests.Session) -> str:
    """Ask the farm for `animal`'s sound with `session`; return 'The cow says "Moo!".'

    An answer with an HTTP error status (404 for an animal the farm does not know) raises
    requests.HTTPError.
    """
    # TODO: your code here
    raise NotImplementedError


def main(animals=("cow", "pig", "chicken")) -> list[str]:
    """Ask for every animal in turn with one session; print each line and return them all."""
    # TODO: your code here
    raise NotImplementedError


if __name__ == "__main__":
    main()
