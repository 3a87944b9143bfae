"""What the farm knows and writes down: its animals, its replies, its log. Plain data, no server.

The farm's two servers serve these, and decide alike what a path gets (`route`, `reply_of`):
graders/farm/service.py on aiohttp (05's, on virtual time, and `make farm`), graders/farm/
threaded.py on the standard library (01's, in threads). The contract's models of the farm's
clients (graders/suites/models/) judge with them in the parent, which reads a grading's checks
without the libraries that only the child needs to run them (aiohttp, requests).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

FARM: dict[str, str] = {
    "cow": "Moo!",
    "pig": "Oink!",
    "sheep": "Baaa!",
    "chicken": "Cluck!",
    "bird": "Tweet!",
    "duck": "Quack!",
    "dog": "Woof!",
    "cat": "Meow!",
    "frog": "Ribbit!",
    "horse": "Neigh!",
    "turkey": "Gobble-Gobble!",
    "rooster": "Cock-a-Doodle-Doo!",
}
"""The tutorial's twelve animals and their sounds."""

DELAY = 5.0
"""Seconds a known animal takes to answer, as in the tutorial."""
HOST = "127.0.0.1"
WELCOME = "Welcome to the farm!"


def speech(animal: str, sound: str) -> str:
    """The line a client makes of an answer: The cow says "Moo!"."""
    return f'The {animal} says "{sound}".'


def not_found(animal: str) -> str:
    return f"The animal {animal} was not found."


@dataclass
class Visit:
    """One request the farm received."""

    path: str
    """The path asked for, percent-decoded ("/animals/cow", "/animals//cow", "/animals/émeu")."""
    arrived: float
    """The server loop's time when the request arrived."""
    connection: int
    """Which TCP connection carried it: requests on one kept-alive connection share the number."""
    status: int = 0
    """The status answered (0 while it is still being answered, or when the client left)."""
    answered: float | None = None
    """The server loop's time when the answer was ready (None if never)."""
    sent: str = ""
    """The path as it came over the wire, percent-encoding and all ("/animals/%C3%A9meu")."""

    def shown(self) -> str:
        """The path, and how it was sent when that differs."""
        return self.path if self.sent in ("", self.path) else f"{self.path} (sent as {self.sent})"


@dataclass
class FarmLog:
    """Everything a farm was asked, in arrival order."""

    visits: list[Visit] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [visit.path for visit in self.visits]

    def connections(self) -> int:
        return len({visit.connection for visit in self.visits})

    def overlapping(self) -> list[tuple[Visit, Visit]]:
        """Pairs of visits where the second arrived before the first was answered."""
        pairs = []
        for index, first in enumerate(self.visits):
            for second in self.visits[index + 1:]:
                if first.answered is None or second.arrived < first.answered:
                    pairs.append((first, second))
        return pairs

    def describe(self) -> str:
        if not self.visits:
            return "the farm received no request at all"
        return "\n".join(
            f"{visit.shown()} (answered {visit.status or 'nothing'})" for visit in self.visits
        )


@dataclass
class RunningFarm:
    """A farm being served: where to find it and what it was asked."""

    base_url: str
    """Its /animals URL, without a trailing slash, like the clients' BASE_URL."""
    log: FarmLog

    def url(self, animal: str) -> str:
        return f"{self.base_url}/{animal}"


Delays = float | Mapping[str, float]


@dataclass(frozen=True)
class Reply:
    """What the farm answers for one name: `text` with `status`, after `delay` seconds."""

    text: str
    status: int = 200
    delay: float = DELAY


def replies_for(animals: Mapping[str, str], delay: Delays = DELAY) -> dict[str, Reply]:
    """The table of a farm that knows `animals` (name: sound), each answering after its delay."""
    return {name: Reply(sound, 200, delay if isinstance(delay, int | float)
                        else delay.get(name, DELAY)) for name, sound in animals.items()}


NOT_FOUND = 404
"""The status of a name the farm does not know, at once, with `not_found(name)`."""
_ANIMAL_PATH = re.compile(r"/animals/([^{}/]+)")
"""`/animals/{name}` as aiohttp's router reads it: one segment, without braces."""


def route(path: str) -> str | None:
    """The name a decoded path asks the farm for: "" for `/animals` (the welcome), the name for
    `/animals/{name}`, None for any other path (`/animals//cow`), which gets a plain 404."""
    if path == "/animals":
        return ""
    found = _ANIMAL_PATH.fullmatch(path)
    return found.group(1) if found else None


def reply_of(table: Mapping[str, Reply], name: str) -> Reply:
    """What the farm answers for a name that `route` found: the welcome for "", else the
    table's reply, or 404 at once for a name it does not hold."""
    if not name:
        return Reply(WELCOME, 200, 0.0)
    return table.get(name) or Reply(not_found(name), NOT_FOUND, 0.0)
