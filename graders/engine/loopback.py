"""Grading talks to nothing but this machine: what counts as loopback, and how a refusal reads.

The clients of exercises 01 and 05 are aimed at the grader's own farm, but a submission could
still keep its own URL somewhere (a default argument, a second constant, code run at import). The
child's guard (graders/engine/guard.py, an audit hook) refuses, for the child's whole life, every
connection, datagram, listening socket and name lookup off this machine, with the exception a
client expects from a network it cannot reach (`ConnectionRefusedError`, `socket.gaierror`), at
once, and records the refusal so that the check fails even when the code swallows the error.
This module is the one place that decides what is this machine.
"""

from __future__ import annotations

import ipaddress
from typing import Any

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
ONLY_THIS_MACHINE = "the grader only lets code talk to this machine (127.0.0.1, localhost)"
"""Why a network call was refused, in every refusal's words."""


def _host_text(host: object) -> str | None:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return None
    return host.strip("[]").split("%", 1)[0].rstrip(".").lower()


def is_loopback_host(host: object) -> bool:
    """True for a name or address of this machine: localhost, 127.x.x.x, ::1."""
    name = _host_text(host)
    if name is None:
        return False
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_local_lookup(host: object) -> bool:
    """True for a name lookup that asks no name server: no host at all (None, ""), a loopback
    name, or an address written in digits (connecting to it is then decided on its own)."""
    if host in (None, "", b"") or is_loopback_host(host):
        return True
    name = _host_text(host)
    try:
        ipaddress.ip_address(name or "")
    except ValueError:
        return False
    return True


def is_loopback_address(address: Any) -> bool:
    """True for a loopback (host, port, ...) tuple. A Unix socket's path is not decided here."""
    return isinstance(address, tuple) and bool(address) and is_loopback_host(address[0])
