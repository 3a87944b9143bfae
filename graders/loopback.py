"""Grading talks to nothing but this machine: connections and name lookups stay on loopback.

The clients of exercises 01 and 05 are aimed at the grader's own farm, but a submission could
still keep its own URL somewhere (a default argument, a second constant, code run at import). So
the child process refuses, for its whole life, to connect or send to any address that is not
loopback, and to look up any host name other than `localhost`: such a call raises
`ConnectionRefusedError` (or `socket.gaierror`) with a message that says why, at once, instead of
reaching out to the network or waiting for it.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from typing import Any

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
REFUSAL = (
    "the grader only lets code talk to this machine (127.0.0.1, localhost), and {target} is "
    "elsewhere: use the URL the grader gives (BASE_URL), not one of your own"
)

_installed = False


def is_loopback_host(host: object) -> bool:
    if host is None:  # getaddrinfo(None, port): the local machine
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip("[]").split("%", 1)[0]
    if name.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_ip_literal(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        ipaddress.ip_address(str(host).strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


def is_loopback_address(address: Any) -> bool:
    """True for a loopback (host, port, ...) tuple, and for a Unix socket's path."""
    if isinstance(address, str | bytes):
        return True  # AF_UNIX: a file on this machine
    if isinstance(address, tuple) and address:
        return is_loopback_host(address[0])
    return False


def allow_only_loopback() -> None:
    """From now on, in this process, refuse every connection and lookup off this machine."""
    global _installed
    if _installed:
        return
    _installed = True
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_sendto = socket.socket.sendto
    original_getaddrinfo = socket.getaddrinfo

    def refuse(target: object) -> ConnectionRefusedError:
        return ConnectionRefusedError(errno.ECONNREFUSED, REFUSAL.format(target=target))

    def connect(self: socket.socket, address: Any) -> None:
        if not is_loopback_address(address):
            raise refuse(address)
        return original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not is_loopback_address(address):
            return errno.ECONNREFUSED
        return original_connect_ex(self, address)

    def sendto(self: socket.socket, data: Any, *args: Any) -> int:
        address = args[-1]
        if not is_loopback_address(address):
            raise refuse(address)
        return original_sendto(self, data, *args)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> list:
        # An address written in digits needs no lookup: connect() refuses it if need be.
        if not (is_loopback_host(host) or is_ip_literal(host)):
            raise socket.gaierror(socket.EAI_NONAME, REFUSAL.format(target=host))
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = sendto  # type: ignore[method-assign, assignment]
    socket.getaddrinfo = getaddrinfo
