"""Grading talks to nothing but this machine: the guard's audit hook (graders/engine/guard.py)
refuses the rest with the errors of a network out of reach, and graders/engine/loopback.py decides
what is this machine. The guard lasts for the life of a process, so each test runs its scenario in a
fresh Python."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from graders.engine.loopback import is_local_lookup, is_loopback_address, is_loopback_host
from graders.manifest import PACK_ROOT

GUARD = """
import os
from pathlib import Path
from graders.engine.guard import Guard, Policy
guard = Guard(Policy(workdir=Path.cwd(), forbidden=None, max_processes=4), lambda: [])
guard.install()
"""


def run_guarded(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", GUARD + textwrap.dedent(code)],
        capture_output=True, text=True, cwd=PACK_ROOT, timeout=60,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def test_loopback_hosts_and_addresses_are_told_from_others():
    for host in ("127.0.0.1", "127.3.4.5", "::1", "[::1]", "localhost", "LOCALHOST", b"::1",
                 "ip6-loopback", "localhost."):
        assert is_loopback_host(host), host
    for host in ("192.0.2.1", "10.0.0.1", "example.com", "0.0.0.0", "", 42, None):
        assert not is_loopback_host(host), host
    assert is_local_lookup(None) and is_local_lookup("") and is_local_lookup("localhost")
    assert is_local_lookup("192.0.2.1")  # digits: no name server asked; connect decides
    assert not is_local_lookup("example.com")
    assert is_loopback_address(("127.0.0.1", 80))
    assert not is_loopback_address(("192.0.2.1", 80))
    assert not is_loopback_address(("", 80))  # every address, when listening


def test_a_connection_elsewhere_is_refused_at_once_and_says_why():
    finished = run_guarded("""
        import socket, time
        started = time.monotonic()
        try:
            socket.create_connection(("192.0.2.1", 80), timeout=30)
        except ConnectionRefusedError as error:
            print("refused", round(time.monotonic() - started), error)
    """)
    assert "refused 0" in finished.stdout, finished.stderr
    assert "only lets code talk to this machine" in finished.stdout


def test_a_refusal_is_recorded_even_when_swallowed():
    finished = run_guarded("""
        import socket
        for call in (lambda: socket.create_connection(("192.0.2.1", 80)),
                     lambda: socket.socket().connect_ex(("192.0.2.1", 80)),
                     lambda: socket.gethostbyname("example.com"),
                     lambda: socket.gethostbyaddr("192.0.2.1")):
            try:
                call()
            except OSError:
                pass
        print(guard.take_refused())
    """)
    for refused in ("connect to 192.0.2.1", "look up example.com",
                    "look up the name of 192.0.2.1"):
        assert refused in finished.stdout, finished.stdout + finished.stderr


def test_looking_up_a_name_elsewhere_is_refused():
    finished = run_guarded("""
        import socket
        try:
            socket.getaddrinfo("example.com", 80)
        except socket.gaierror as error:
            print("refused", error)
    """)
    assert "refused" in finished.stdout and "example.com" in finished.stdout, finished.stderr


def test_requests_and_aiohttp_clients_elsewhere_fail_fast():
    finished = run_guarded("""
        import asyncio, aiohttp, requests
        try:
            requests.get("http://192.0.2.1/animals/cow", timeout=30)
        except requests.ConnectionError:
            print("requests refused")
        async def ask():
            async with aiohttp.ClientSession() as session:
                await session.get("http://example.com/animals/cow")
        try:
            asyncio.run(ask())
        except aiohttp.ClientConnectionError:
            print("aiohttp refused")
    """)
    assert "requests refused" in finished.stdout, finished.stderr
    assert "aiohttp refused" in finished.stdout, finished.stderr


def test_loopback_still_works_for_both_clients():
    finished = run_guarded("""
        import asyncio, aiohttp, requests
        from graders.farm.service import farm_in_thread
        with farm_in_thread(delay=0) as farm:
            print(requests.get(farm.url("cow")).text)
            async def ask():
                async with aiohttp.ClientSession() as session:
                    async with session.get(farm.url("pig")) as response:
                        return await response.text()
            print(asyncio.run(ask()))
            local = farm.base_url.replace("127.0.0.1", "localhost")
            print(requests.get(local + "/duck").text)
    """)
    assert finished.stdout.split() == ["Moo!", "Oink!", "Quack!"], finished.stderr
