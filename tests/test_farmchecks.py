"""Helpers of the farm clients' graders (graders/farm/clients.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from conftest import grade_folder, make_submission, solution_files

from graders.farm.clients import calls_at_import, check_base_url, wrong_requests
from graders.farm.service import FarmLog, Visit
from graders.kit.atimport import recording_import_calls
from graders.kit.checks import CheckFailed
from graders.manifest import find_exercise


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/animals", "http://localhost:8081/animals"])
def test_a_base_url_without_trailing_slash_passes(url):
    check_base_url(url, "animals.py")


@pytest.mark.parametrize(("url", "advice"), [
    ("http://127.0.0.1:8080/animals/", "trailing slash"),
    ("http://127.0.0.1:8080/", "/animals URL"),
    (None, "keep the BASE_URL"),
])
def test_a_wrong_base_url_fails_with_advice(url, advice):
    with pytest.raises(CheckFailed) as failed:
        check_base_url(url, "animals.py")
    assert advice in failed.value.render()


def log_of(*paths: str) -> FarmLog:
    return FarmLog([Visit(path=path, arrived=0.0, connection=1, status=404) for path in paths])


def test_requests_as_expected_in_any_order_are_fine():
    assert wrong_requests(log_of("/animals/pig", "/animals/cow"),
                          ["/animals/cow", "/animals/pig"], "main()") is None


@pytest.mark.parametrize(("paths", "advice"), [
    ((), "build each URL from the module's BASE_URL"),
    (("/animals//cow",), "double slash"),
    (("/animalscow",), "'/' between BASE_URL and the animal's name is missing"),
    (("/animals/cow", "/animals/cow"), "ask for each animal once"),
])
def test_wrong_requests_are_explained(paths, advice):
    failure = wrong_requests(log_of(*paths), ["/animals/cow"], "speak('cow', session)")
    assert failure is not None
    assert advice in failure.render()


def write(tmp_path: Path, text: str) -> Path:
    """A module written and imported as the child imports a student's, its calls recorded."""
    path = tmp_path / "animals.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location("animals_under_test", path)
    assert spec is not None and spec.loader is not None
    with recording_import_calls(path):
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    return path


def test_calls_of_main_at_the_top_level_are_found(tmp_path):
    path = write(tmp_path, "import asyncio\n\ndef main():\n    pass\n\nmain()\n"
                           "try:\n    asyncio.run(main())\nexcept Exception:\n    pass\n")
    assert calls_at_import(path) == ["line 6: main()", "line 8: asyncio.run(main())"]


def test_a_program_under_match_name_is_not_run_at_import(tmp_path):
    path = write(tmp_path, "def main():\n    pass\n\nmatch __name__:\n"
                           '    case "__main__":\n        main()\n')
    assert calls_at_import(path) == []


def test_a_program_run_under_a_guard_that_is_always_true_is_found(tmp_path):
    path = write(tmp_path, "def main():\n    pass\n\nif __name__ != '__main__':\n"
                           "    main()\n")
    assert calls_at_import(path) == ["line 5: main()"]


def test_calls_under_the_main_guard_or_inside_functions_are_fine(tmp_path):
    path = write(tmp_path, "import asyncio\nimport requests\nSESSION = requests.Session()\n"
                           "def main():\n    return speak()\ndef speak():\n    pass\n"
                           'if __name__ == "__main__":\n    asyncio.run(main())\n')
    assert calls_at_import(path) == []


def test_calls_through_a_function_of_its_own_are_found(tmp_path):
    path = write(tmp_path, "def main():\n    pass\n\ndef run():\n    main()\n\n"
                           "def start():\n    run()\n\nstart()\n")
    assert calls_at_import(path) == ["line 10: start()"]


def test_helpers_called_at_the_top_level_are_fine(tmp_path):
    path = write(tmp_path, "def headers():\n    return {}\n\nHEADERS = headers()\n"
                           "def main():\n    return headers()\n")
    assert calls_at_import(path) == []


@pytest.mark.parametrize("number", ["01", "05"])
def test_a_proxy_in_the_environment_does_not_hide_the_farm(number, tmp_path, monkeypatch):
    # A school's or a CI runner's HTTP_PROXY must not send the requests to the grader's farm
    # elsewhere: requests (and aiohttp with trust_env=True) read it from the environment.
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://10.9.9.9:3128")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    exercise = find_exercise(number)
    assert exercise is not None
    files = solution_files(exercise)
    if number == "05":
        files[exercise.main_module] = files[exercise.main_module].replace(
            "aiohttp.ClientSession()", "aiohttp.ClientSession(trust_env=True)")
    results = grade_folder(exercise, make_submission(tmp_path, exercise, files))
    assert [r.name for r in results if not r.passed] == []
