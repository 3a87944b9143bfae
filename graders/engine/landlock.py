"""Landlock (Linux 5.13+): a process closing itself in, so that it reads, writes and signals only
what it was given, whatever it runs afterwards.

A child forked by the fork server inside the sandbox (graders/engine/forking.py) calls
`restrict` before any of the grader's or the student's code runs: it may then read the system,
Python, the venv, the grader and its own submission, write only its working folder, /dev/shm and
/dev/null, and it can neither signal nor reach through an abstract Unix socket any process
outside its domain (the server, bwrap's pid 1). Landlock also keeps it from ptrace and from the
/proc files of processes outside its domain. The domain is inherited by everything it forks, and
no process can leave it. A sandbox's mounts decide what exists; Landlock decides which of it this
one child may touch: so one sandbox can hold many submissions, each child seeing only its own.

The calls are plain system calls through ctypes (Python has no binding): landlock_create_ruleset
(444), landlock_add_rule (445), landlock_restrict_self (446), the same number on every
architecture that has them. `abi()` says which version the kernel speaks (0: none).
"""

from __future__ import annotations

import ctypes
import os
import stat
import sys
from collections.abc import Iterable

CREATE_RULESET, ADD_RULE, RESTRICT_SELF = 444, 445, 446
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH = 1
PR_SET_NO_NEW_PRIVS = 38
SIGNAL_SCOPE_ABI = 6
"""From this version on, a domain can keep its processes from signalling outside it."""

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1

_ACCESS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1,
                  5: (1 << 16) - 1}
"""Every filesystem right the kernel of each version handles: all of them are denied unless a
rule grants them (what a newer kernel adds stays allowed, as it was before it existed)."""
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV
"""What a rule on a file (not a folder) may grant."""
READING = EXECUTE | READ_FILE | READ_DIR


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # __attribute__((packed)) in the kernel's header: 12 bytes
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class LandlockUnavailable(OSError):
    """The kernel refused a step: the child must not go on believing it is closed in."""


def _libc() -> ctypes.CDLL:
    """A handle of the C library made for one call and dropped after it: a handle kept (with
    the functions looked up on it) would hand a student's code the C functions that the guard
    refuses to look up."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


def abi() -> int:
    """The Landlock version this kernel speaks; 0 where there is none (not Linux, too old,
    turned off at boot)."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        found = _libc().syscall(CREATE_RULESET, None, ctypes.c_size_t(0),
                                ctypes.c_uint32(CREATE_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0
    return max(0, int(found))


def restrict(read: Iterable[str], write: Iterable[str], *, version: int | None = None) -> None:
    """Close this process in: it may read (and run) only under `read`, read and change only
    under `write`, and, from ABI 6, signal and reach abstract sockets only within its domain.
    A path that does not exist is left out. Raises LandlockUnavailable if a step fails."""
    version = abi() if version is None else version
    if version < 1:
        raise LandlockUnavailable("Landlock is not available on this kernel")
    handled = _ACCESS_BY_ABI[min(version, max(_ACCESS_BY_ABI))]
    attr = _RulesetAttr(handled_access_fs=handled)
    size = ctypes.sizeof(_RulesetAttr) if version >= SIGNAL_SCOPE_ABI else 16 if version >= 4 \
        else 8
    if version >= SIGNAL_SCOPE_ABI:
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
    libc = _libc()
    ruleset = _checked(libc.syscall(CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                                    ctypes.c_uint32(0)), "create a ruleset")
    try:
        for path in read:
            _allow(libc, ruleset, path, READING & handled)
        for path in write:
            _allow(libc, ruleset, path, handled)
        _checked(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "set no_new_privs")
        _checked(libc.syscall(RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)),
                 "restrict itself")
    finally:
        os.close(ruleset)


def _allow(libc: ctypes.CDLL, ruleset: int, path: str, access: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # nothing there: nothing to grant
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            access &= FILE_RIGHTS
        rule = _PathBeneathAttr(allowed_access=access, parent_fd=fd)
        _checked(libc.syscall(ADD_RULE, ctypes.c_int(ruleset),
                                 ctypes.c_int(RULE_PATH_BENEATH), ctypes.byref(rule),
                                 ctypes.c_uint32(0)), f"allow {path}")
    finally:
        os.close(fd)


def _checked(result: int, step: str) -> int:
    if result < 0:
        errno = ctypes.get_errno()
        raise LandlockUnavailable(errno, f"Landlock could not {step}: {os.strerror(errno)}")
    return int(result)


PR_SET_DUMPABLE = 4


def set_dumpable(dumpable: bool) -> None:
    """Whether processes of this user may ptrace this one or read its memory through /proc: a
    fork server is not, so that no child (same user, no capabilities) can reach into it."""
    if sys.platform.startswith("linux"):
        _checked(_libc().prctl(PR_SET_DUMPABLE, int(dumpable), 0, 0, 0), "set dumpable")
