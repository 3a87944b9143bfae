"""The farms that the judged checks of 01 and 05 draw: made-up animals, their lines, statuses and
delays, as plain JSON that travels from the parent to the child.

The clients' contract (../shared/CONTRACT.md) says what an animal is only through the URL:
`speak` asks for `{BASE_URL}/{animal}` and makes its line from whatever text the farm answers.
So the input space is any name an HTTP client can put in a path segment as it is, and any text:

- names: plain words, capitals, digits, dashes, underscores and dots inside, spaces, letters
  beyond ASCII. An HTTP client percent-encodes what a path cannot hold as it is (a space, `é`),
  and the farm decodes it again, so the farm sees the name as it was given. Left out: `/`, `?`,
  `#` and `%`, which a name joined into a URL as it is turns into another URL (a path, a query,
  a fragment, an escape), and the names `.` and `..`, which a URL resolves away.
- lines: words, spaces and punctuation, quotes inside, letters beyond ASCII, digits, long ones.
  Never empty and never with spaces at either end or a line break, which a client may fairly
  tidy away when it prints.
- statuses: 200 with the sound; every error status is 4xx or 5xx, and both clients' contracts
  say an error status raises (not only 404, the status of an animal the farm does not know).

A farm is written `[[name, status, text, delay], ...]`. Names are made of syllables, so that a
grading's animals cannot be listed in advance: with a teacher's key, every submission meets its
own.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import Any

from graders.farm.records import FARM, NOT_FOUND, Reply, not_found, speech

TUTORIAL = tuple(FARM)
"""The tutorial's twelve animals."""
SYLLABLES = ("ka", "lo", "mi", "zu", "ber", "tan", "ok", "pi", "wom", "bat", "rel", "qua",
             "nix", "dor", "fen", "gal", "yak", "oo", "sna", "vel")
ACCENTED = ("é", "ñ", "ü", "ø", "å", "ç", "ß")
BEYOND_ASCII = ("ёж", "牛", "Ελάφι", "ñandú", "lobo-guará", "émeu", "кот", "ヤギ")
NAME_KINDS = ("plain", "capitals", "digits", "dashes", "spaces", "unicode")
"""The kinds of made-up names: every sample of a check that draws names holds each."""

SOUND_KINDS = ("plain", "spaces", "quotes", "unicode", "digits", "long")
UNICODE_SOUNDS = ("Mèèh!", "コケコッコー", "Ку-ка-ре-ку!", "Ñam ñam", "Grüß Gott!", "咩咩",
                  "Κρα κρα!")

CLIENT_ERRORS = (400, 401, 403, 405, 409, 410, 418, 422, 429)
SERVER_ERRORS = (500, 501, 502, 503, 504)
ERROR_TEXTS = ("The farm is closed for the night.", "Too many visitors: come back later.",
               "The gate is stuck.", "Nobody is in the barn.", "Error", "")


def made_up_name(rng: random.Random, kind: str) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
    other = "".join(rng.choice(SYLLABLES) for _ in range(2))
    if kind == "capitals":
        return rng.choice((word.capitalize(), word.upper(), f"Mc{other.capitalize()}"))
    if kind == "digits":
        return rng.choice((f"{word}{rng.randint(2, 999)}", f"{word[:2]}{rng.randint(2, 9)}"
                           f"{word[2:]}", str(rng.randint(10, 9999))))
    if kind == "dashes":
        return f"{word}{rng.choice('-_.')}{other}"
    if kind == "spaces":
        return f"{word} {other}"
    if kind == "unicode":
        spot = rng.randint(1, len(word) - 1)
        return rng.choice((word[:spot] + rng.choice(ACCENTED) + word[spot:],
                           rng.choice(BEYOND_ASCII)))
    return word


def made_up_names(rng: random.Random, count: int, kinds: Sequence[str] = NAME_KINDS,
                  taken: Iterable[str] = ()) -> list[str]:
    """`count` different names, the kinds in turn, none of the tutorial's nor of `taken`."""
    seen = {*TUTORIAL, *taken}
    names: list[str] = []
    while len(names) < count:
        name = made_up_name(rng, kinds[len(names) % len(kinds)])
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def made_up_sound(rng: random.Random, kind: str | None = None) -> str:
    kind = kind or rng.choice(SOUND_KINDS)
    cry = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 2))).capitalize()
    if kind == "spaces":
        return f"{cry} {cry.lower()}, {cry.lower()}!"
    if kind == "quotes":
        return rng.choice((f'Say "{cry}"!', f"It's {cry}!", f"'{cry}'"))
    if kind == "unicode":
        return rng.choice(UNICODE_SOUNDS)
    if kind == "digits":
        return f"{cry} {rng.randint(2, 99)}!"
    if kind == "long":
        return " ".join([f"{cry}-{cry.lower()}"] * rng.randint(12, 25)) + "!"
    return f"{cry}-{cry.lower()}!"


def odd_delay(rng: random.Random, low: float, high: float) -> float:
    """A delay between low and high, in hundredths of a second (thousandths below a tenth), that
    is not a multiple of ten of them; 0 when high is 0 (a farm that answers at once)."""
    if high <= 0:
        return 0.0
    places = 2 if high >= 0.1 else 3
    while True:
        delay = round(rng.uniform(low, high), places)
        if round(delay * 10**places) % 10:
            return delay


def error_status(rng: random.Random, kind: str) -> int:
    return rng.choice(CLIENT_ERRORS if kind == "client" else SERVER_ERRORS)


def farm_row(name: str, text: str, delay: float, status: int = 200) -> list[Any]:
    return [name, status, text, delay]


def replies_of(farm: Sequence[Sequence[Any]]) -> dict[str, Reply]:
    """The farm's table as the service takes it."""
    return {str(name): Reply(str(text), int(status), float(delay))
            for name, status, text, delay in farm}


def sounds_of(farm: Sequence[Sequence[Any]]) -> dict[str, str]:
    return {name: text for name, _, text, _ in farm}


def delays_of(farm: Sequence[Sequence[Any]]) -> dict[str, float]:
    return {name: float(delay) for name, _, _, delay in farm}


def status_of(farm: Sequence[Sequence[Any]], name: str) -> int:
    return next((int(status) for known, status, _, _ in farm if known == name), NOT_FOUND)


def text_of(farm: Sequence[Sequence[Any]], name: str) -> str:
    return next((str(text) for known, _, text, _ in farm if known == name), not_found(name))


def lines_of(farm: Sequence[Sequence[Any]], animals: Sequence[str]) -> list[str]:
    """What right code returns (and prints) for `animals` on this farm."""
    sounds = sounds_of(farm)
    return [speech(animal, sounds[animal]) for animal in animals]


def path_of(animal: str) -> str:
    """The path the farm sees for an animal, decoded: a client encodes, the farm decodes."""
    return f"/animals/{animal}"


def tutorial_rows(rng: random.Random, names: Iterable[str], delay: float | None,
                  low: float, high: float, renamed_sounds: bool = False) -> list[list[Any]]:
    """Rows for tutorial animals: their own sounds, or made-up ones (a line cached by name is
    then wrong), each with `delay` or an odd delay between low and high."""
    return [farm_row(name, made_up_sound(rng) if renamed_sounds else FARM[name],
                     delay if delay is not None else odd_delay(rng, low, high))
            for name in dict.fromkeys(names)]


def made_up_rows(rng: random.Random, names: Iterable[str], low: float, high: float
                 ) -> list[list[Any]]:
    return [farm_row(name, made_up_sound(rng, SOUND_KINDS[index % len(SOUND_KINDS)]),
                     odd_delay(rng, low, high))
            for index, name in enumerate(dict.fromkeys(names))]


def crowd(rng: random.Random, size: int, low: float, high: float,
          slowest_first: bool = False, delays: int | None = None
          ) -> tuple[list[str], list[list[Any]]]:
    """`size` animals to ask for at once and the farm that knows them: made-up names of every
    kind and some of the tutorial's (with made-up sounds half the time), repeats among them
    once there are four or more, delays odd and all different where they can be, so that the
    answers come back in another order than they were asked for.

    With `delays`, the animals share that many different odd delays instead (ties among them),
    for a check that judges when the answers come rather than their order: on virtual time,
    every moment something is due costs the loop dozens of idle turns (looptime lets sockets
    catch up before it moves its clock), and a hundred answers at a hundred moments cost more
    than the requests themselves."""
    distinct = size - size // 4 if size >= 4 else size
    tutorial = rng.sample(TUTORIAL, min(len(TUTORIAL), distinct // 3))
    names = [*tutorial, *made_up_names(rng, distinct - len(tutorial))]
    rng.shuffle(names)
    animals = names + [rng.choice(names) for _ in range(size - distinct)]
    rng.shuffle(animals)
    rows = [*tutorial_rows(rng, tutorial, None, low, high, renamed_sounds=rng.random() < 0.5),
            *made_up_rows(rng, [n for n in names if n not in tutorial], low, high)]
    if delays is not None:
        shared = odd_delays(rng, delays, low, high)
        for row in rows:
            row[3] = rng.choice(shared)
    if slowest_first and animals:
        make_slowest(rows, animals[0], high)
    return animals, rows


def odd_delays(rng: random.Random, count: int, low: float, high: float) -> list[float]:
    """`count` different odd delays between low and high."""
    drawn: set[float] = set()
    while len(drawn) < count:
        drawn.add(odd_delay(rng, low, high))
    return sorted(drawn)


def make_slowest(rows: list[list[Any]], name: str, high: float) -> None:
    """`name` answers after every other animal of the farm: a tenth past the highest delay."""
    for row in rows:
        if row[0] == name:
            row[3] = round(high * 1.1, 4)
