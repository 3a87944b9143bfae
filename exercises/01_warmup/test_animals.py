"""Tests you can run yourself: `pytest exercises/01_warmup` (or `make check EXERCISE=01`).

Each test starts the pack's farm on a free port of this machine, with a delay of a hundredth of a
second instead of five, and points BASE_URL at it for the length of the test.
"""

import animals
import pytest
import requests

from graders.farm.service import farm_in_thread


@pytest.fixture
def farm(monkeypatch):
    with farm_in_thread(delay=0.01) as running:
        monkeypatch.setattr(animals, "BASE_URL", running.base_url)
        yield running


def test_base_url_has_no_trailing_slash():
    assert animals.BASE_URL.endswith("/animals")


def test_speak_gives_the_line_made_of_the_farms_answer(farm):
    with requests.Session() as session:
        assert animals.speak("cow", session) == 'The cow says "Moo!".'


def test_speak_raises_http_error_for_an_unknown_animal(farm):
    with requests.Session() as session, pytest.raises(requests.HTTPError):
        animals.speak("unicorn", session)


def test_main_prints_and_returns_the_lines_in_the_order_given(farm, capsys):
    lines = animals.main(("pig", "cow"))
    assert lines == ['The pig says "Oink!".', 'The cow says "Moo!".']
    assert capsys.readouterr().out.splitlines() == lines


def test_main_asks_for_cow_pig_and_chicken_by_default(farm, capsys):
    assert animals.main() == [
        'The cow says "Moo!".', 'The pig says "Oink!".', 'The chicken says "Cluck!".'
    ]


def test_main_keeps_one_connection_open_for_every_animal(farm, capsys):
    animals.main()
    assert farm.log.connections() == 1  # one session reuses its connection


def test_main_asks_for_one_animal_after_another(farm, capsys):
    animals.main()
    assert farm.log.overlapping() == []  # no request arrived before the previous was answered
