"""The bubblewrap sandbox around the child, where it works; else the guard alone, and it says so.

The guard (graders/engine/guard.py) lives in the student's own process, so it raises the bar but is
no boundary. Where bubblewrap (`bwrap`, the sandbox Flatpak uses) is installed and the kernel lets
it make namespaces, every child runs inside one:

- new user, pid, network (loopback only), mount, IPC and UTS namespaces, as an unprivileged uid,
  with no capabilities, no new privileges (bwrap always sets it), killed with its parent;
- a root of nothing but what the child needs, read-only: the system's /usr and libraries, Python's
  install, the venv, and of the pack only graders/, the manifest and the exercise's provided files.
  solutions/ (other than one graded with `--reference`), the classroom sources, tests/, .git and
  every other submission are absent, not merely unreadable;
- the submission's exercise folder read-only, at its own path (so tracebacks name the real file);
- the working folder a tmpfs of WORKDIR_BYTES at the parent's working folder's path, so that what
  the child writes never reaches the disk and goes when the sandbox goes;
- since the pid namespace dies with its first process, nothing the child starts outlives it.

`chosen()` probes once per process whether that works on this machine (bwrap may be missing, or
refused by Docker's seccomp profile or Ubuntu's restriction of user namespaces);
AWAITLINGS_SANDBOX=guard turns the sandbox off, =bubblewrap requires it. `Sandbox.around` adds it
to the child's `Isolation` (graders/engine/processes.py), as a layer or as why there is none, for
the report; the results file names it at its top level (`name`). The guard runs inside the
sandbox too: its refusals still fail the checks that tried something.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from graders.engine.processes import Isolation
from graders.manifest import PACK_ROOT, Exercise

CHOICE_VARIABLE = "AWAITLINGS_SANDBOX"
"""auto (the default: the sandbox where it works), bubblewrap (required), or guard."""
BUBBLEWRAP, GUARD = "bubblewrap", "guard"
WORKDIR_BYTES = 64 * 1024**2
"""The child's writable folder: room for any scratch file, too small to fill a disk."""
SHM_BYTES = 16 * 1024**2
"""/dev/shm, for multiprocessing's semaphores (a process pool)."""
SANDBOX_UID = 65534
"""`nobody`: the child owns none of the files it can see."""
PROBE_SECONDS = 10.0
KEPT_VARIABLES = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONPATH",
                  "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PYTHONIOENCODING", "TMPDIR")
"""The only environment the sandboxed child gets: no tokens or secrets of the grading machine."""
SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/hosts", "/etc/nsswitch.conf",
                "/etc/host.conf", "/etc/gai.conf")
"""What the dynamic loader and a lookup of localhost read; /etc holds nothing else needed."""


@dataclass(frozen=True)
class Sandbox:
    """Whether the children of this process run in the sandbox, and if not, why."""

    name: str
    """BUBBLEWRAP (a sandbox around the guard) or GUARD (the guard alone)."""
    why: str = ""
    """For GUARD: why there is no sandbox (not installed, refused by the kernel, turned off)."""
    bwrap: str = ""
    """The bwrap program, for BUBBLEWRAP."""

    @property
    def sandboxed(self) -> bool:
        return self.name == BUBBLEWRAP

    @property
    def helper_processes(self) -> int:
        """Processes of the child's group that are not the child's: bwrap and its pid 1."""
        return 2 if self.sandboxed else 0

    def child_returncode(self, returncode: int) -> int:
        """The child's exit status as Popen gives it (-N for signal N), from what the isolation's
        outermost process answered: bwrap answers 128 + N for a child killed by signal N."""
        if self.sandboxed and returncode > 128:
            return -(returncode - 128)
        return returncode

    def around(self, isolation: Isolation) -> Isolation:
        """The child's isolation with the sandbox as its outermost layer, or with why not."""
        if self.sandboxed:
            return isolation.wrapped(LAYER)
        return replace(isolation, without=f"no sandbox, the guard alone ({self.why})")


LAYER = "bubblewrap sandbox (no network, the pack read-only, no solutions or other submissions)"
"""How the sandbox reads among the layers of an Isolation."""


class SandboxUnavailable(RuntimeError):
    """AWAITLINGS_SANDBOX=bubblewrap, and the sandbox does not work here."""


def chosen() -> Sandbox:
    """The sandbox of every child of this process, probed once (per value of the variable): a
    thread that asks while another probes waits for its answer."""
    with _probing:
        return _chosen_once(os.environ.get(CHOICE_VARIABLE, "auto").strip().lower() or "auto")


_probing = threading.Lock()


def likely() -> Sandbox | None:
    """The sandbox this process will most likely get, before the probe says (bwrap installed on
    Linux, not turned off), to start a server while the probe runs; None where it will not."""
    wanted = os.environ.get(CHOICE_VARIABLE, "auto").strip().lower() or "auto"
    bwrap = shutil.which("bwrap") if sys.platform.startswith("linux") else None
    if wanted == GUARD or bwrap is None:
        return None
    return Sandbox(BUBBLEWRAP, bwrap=bwrap)


def choose(wanted: str) -> Sandbox:
    """The sandbox for a value of AWAITLINGS_SANDBOX: auto, bubblewrap (required) or guard."""
    if wanted == GUARD:
        return Sandbox(GUARD, f"{CHOICE_VARIABLE}=guard")
    found = probe()
    if wanted == BUBBLEWRAP and not found.sandboxed:
        raise SandboxUnavailable(f"{CHOICE_VARIABLE}=bubblewrap, but {found.why}")
    return found


_chosen_once = cache(choose)


def probe() -> Sandbox:
    """Whether bwrap runs this Python in the sandbox the children get, on this machine."""
    if not sys.platform.startswith("linux"):
        return Sandbox(GUARD, "bubblewrap runs on Linux only")
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return Sandbox(GUARD, "bubblewrap is not installed")
    # A working folder of its own, as a child gets: a tmpfs over all of /tmp would hide a pack
    # (and its venv) that lives under /tmp, and the probe would refuse a sandbox that works.
    with tempfile.TemporaryDirectory(prefix="awaitlings-probe-") as workdir:
        command = sandboxed_command(
            bwrap, [sys.executable, "-S", "-c", "pass"], workdir=Path(workdir).resolve(), env={},
            bound=(),
        )
        try:
            finished = subprocess.run(command, capture_output=True, timeout=PROBE_SECONDS,
                                      stdin=subprocess.DEVNULL, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            return Sandbox(GUARD, f"bubblewrap could not start: {error}")
    if finished.returncode != 0:
        said = finished.stderr.decode("utf-8", "replace").strip().splitlines()
        return Sandbox(GUARD, f"bubblewrap is refused here: {said[-1] if said else 'no reason'}")
    return Sandbox(BUBBLEWRAP, bwrap=bwrap)


def child_command(
    sandbox: Sandbox, command: list[str], *, exercise: Exercise, submission: Path,
    workdir: Path, env: Mapping[str, str],
) -> list[str]:
    """`command` as the sandbox runs it: unchanged for the guard alone, else inside it, with
    the submission's exercise folder and the pack files the exercise needs."""
    if not sandbox.sandboxed:
        return command
    provided = [exercise.exercise_dir / name for name in exercise.provided]
    # The submission first: in a learner's checkout it holds the provided files, bound over it.
    bound = [submission.resolve(), *(path for path in provided if path.exists())]
    return sandboxed_command(sandbox.bwrap, command, workdir=workdir, env=env, bound=bound)


def sandboxed_command(
    bwrap: str, command: list[str], *, workdir: Path, env: Mapping[str, str],
    bound: Iterable[Path], chdir: Path | None = None,
) -> list[str]:
    """`command` in the sandbox: `bound` read-only at their own paths, a tmpfs at `workdir`,
    started in `chdir` (by default `workdir`)."""
    arguments = [
        bwrap, "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc",
        "--unshare-uts", "--unshare-cgroup-try", "--uid", str(SANDBOX_UID),
        "--gid", str(SANDBOX_UID), "--cap-drop", "ALL", "--die-with-parent",
    ]
    for folder in SYSTEM_FOLDERS:
        if os.path.islink(folder):  # merged /usr: /lib -> usr/lib
            arguments += ["--symlink", os.readlink(folder), folder]
        elif os.path.isdir(folder):
            arguments += ["--ro-bind", folder, folder]
    for path in SYSTEM_FILES:
        arguments += ["--ro-bind-try", path, path]
    for path in [*python_folders(), *pack_paths(), *bound]:
        arguments += ["--ro-bind", str(path), str(path)]
    arguments += [
        "--proc", "/proc", "--dev", "/dev", "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm",
        "--remount-ro", "/dev",
        "--size", str(WORKDIR_BYTES), "--tmpfs", str(workdir), "--chdir", str(chdir or workdir),
        "--remount-ro", "/", "--clearenv",
    ]
    for name, value in {**{k: v for k, v in env.items() if k in KEPT_VARIABLES},
                        "HOME": str(workdir)}.items():
        arguments += ["--setenv", name, value]
    return [*arguments, "--", *command]


def pack_paths() -> list[Path]:
    """What the child reads of the pack: the grader and the manifest, nothing else (the
    provided files come with the exercise)."""
    return [PACK_ROOT / "graders", PACK_ROOT / "exercises.toml"]


@cache
def python_folders() -> tuple[Path, ...]:
    """Python's install and the venv's packages, without the pack (which holds the venv, often)
    or any folder that holds the pack."""
    candidates = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                  *site.getsitepackages(), *sys.path]
    pack = PACK_ROOT.resolve()
    venv = Path(sys.prefix).resolve()
    found: list[Path] = []
    for candidate in candidates:
        if not candidate or not os.path.isdir(candidate):
            continue
        path = Path(candidate).resolve()
        inside_pack = path.is_relative_to(pack) and not path.is_relative_to(venv)
        if inside_pack or pack.is_relative_to(path) or path in found:
            continue
        found.append(path)
    # A folder inside another is bound with it: keep the outermost, shortest first.
    outermost = [p for p in sorted(found) if not any(p != q and p.is_relative_to(q)
                                                     for q in found)]
    return tuple(outermost)
