"""How strongly the student process is confined: ``bwrap``, ``unshare`` or ``none``.

The strongest level that works on this machine is chosen once per grader
process (``choose_level``), unless ``--sandbox`` / ``GRADER_SANDBOX`` asks for
one. Each level turns the student process's command line into a confined one:

``bwrap``
    bubblewrap: new PID, network, IPC and UTS namespaces; a filesystem made of
    read-only ``/usr`` (and its ``/bin``/``/lib`` links), the Python
    installation, the grader's work folder (read-only) and the submission's
    temporary copy (read-write); a private 1777 ``/tmp`` and ``/dev/shm``;
    ``/proc`` of its own PID namespace; no capabilities.
``unshare``
    util-linux ``unshare``: the same namespaces, and ``confine.py`` builds the
    same whitelisted root itself (:func:`root_spec`, ``confine.build_root``)
    before any student code runs. The grader's package, the original hand-in,
    the other hand-ins, the ``--out`` folder and everything else on the
    machine are simply not there.
``none``
    a plain child process in its own session: :func:`unprotected` lists what
    it does not protect, and the report says so.

At every level the grader, when it runs as root, runs the student's code
under a dedicated unprivileged uid (one per concurrent submission, from
:data:`UID_BASE`), because ``RLIMIT_NPROC`` is not enforced for root and a
dedicated uid also keeps concurrent submissions out of each other's files
(at ``none`` only when that uid can read the Python installation).
Resource limits (:class:`Limits`) are applied by ``confine.py`` at every level.
docs/security.md explains what each level defends and what it does not.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

from grader.sandbox.rootfs import bwrap_args, python_roots, root_spec

LEVELS = ("bwrap", "unshare", "none")  # strongest first
UID_BASE = 64_000  # dedicated uids for student processes when the grader runs as root
UID_SLOTS = 256
PROBE_UID = UID_BASE - 1  # the uid the unshare level's probe runs Python under
UNPROTECTED = ("files", "network", "processes", "root", "shared_uid")  # what unprotected() can name


@dataclass(frozen=True)
class Limits:
    """Resource limits of one student process (``setrlimit`` in ``confine.py``)."""

    address_space_mb: int = 3072  # torch needs ~0.7 GiB of address space with one thread
    cpu_s: int = 600  # CPU seconds of one student process (a fresh process after each timeout/crash)
    file_size_mb: int = 64  # largest file it may write: caps the captured stdout/stderr too
    open_files: int = 256
    processes: int = 64  # processes and threads; enforced only under a non-root uid

    def as_dict(self) -> dict[str, int]:
        """What ``confine.set_limits`` takes (as JSON on child.py's command line, or in a launcher request)."""
        return asdict(self)


class UidPool:
    """Hands out one dedicated uid per concurrently graded submission (grader running as root).

    A uid is also locked machine-wide (``flock`` on a file of :data:`UID_LOCKS`), so that two graders
    running at once never give the same uid to two students: the process limit counts per uid."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[int, int] = {}  # uid -> descriptor of its lock file

    def acquire(self) -> int | None:
        if os.geteuid() != 0:
            return None
        with self._lock:
            for uid in range(UID_BASE, UID_BASE + UID_SLOTS):
                if uid in self._held:
                    continue
                fd = _lock_uid(uid)
                if fd is None:
                    continue
                if clear_uid(uid) and _pids_of(uid):
                    # What the last student left is still dying (hundreds of processes torn down on a loaded
                    # machine take seconds): it would count towards this student's process limit, so that
                    # its interpreter could not start its threads. Another uid; this one is cleared next time.
                    if fd >= 0:  # (-1: no place for locks)
                        os.close(fd)
                    continue
                self._held[uid] = fd
                return uid
        return None

    def release(self, uid: int | None) -> None:
        with self._lock:
            fd = self._held.pop(uid, None) if uid is not None else None
            if fd is not None and fd >= 0:
                os.close(fd)  # closing the descriptor releases the flock


UID_LOCKS = Path("/run/lock/grader-uids")


def clear_uid(uid: int, wait_s: float = 2.0) -> int:
    """Kill every process still running under ``uid`` and wait (up to ``wait_s``) until none is left.

    A uid is handed out again as soon as a submission ends, but what that submission left behind (children
    of a fork loop, torn down with their PID namespace) can still be dying: they count towards the next
    student's process limit, whose interpreter then cannot start its threads. A process that becomes
    ``uid`` and sends SIGKILL to -1 reaches exactly the processes of that uid. Returns how many were found."""
    found = left = _pids_of(uid)
    deadline = time.monotonic() + wait_s
    while left and time.monotonic() < deadline:
        pid = os.fork()
        if pid == 0:  # the child only changes uid and signals: nothing that needs the parent's threads
            try:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        time.sleep(0.02)
        left = _pids_of(uid)
    return len(found)


def _pids_of(uid: int) -> list[int]:
    """Live processes whose real uid is ``uid`` (a zombie is already dead: nothing to kill, its parent reaps it)."""
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", "rb") as fh:
                fields = dict(line.split(b":", 1) for line in fh if line[:4] in (b"Stat", b"Uid:"))
            if int(fields[b"Uid"].split()[0]) == uid and not fields[b"State"].strip().startswith(b"Z"):
                pids.append(int(entry.name))
        except (OSError, ValueError, KeyError, IndexError):
            continue
    return pids


def _lock_uid(uid: int) -> int | None:
    """A descriptor holding ``uid``'s machine-wide lock; None when another grader holds it; -1 when there is
    no place for locks (then uids are only unique within this grader)."""
    try:
        UID_LOCKS.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(UID_LOCKS / str(uid), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    except OSError:
        return -1
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


UIDS = UidPool()


def requested_level(value: str | None = None) -> str:
    """``auto`` or a level name, from the argument or ``GRADER_SANDBOX``."""
    level = (value or os.environ.get("GRADER_SANDBOX") or "auto").strip().lower()
    if level not in LEVELS + ("auto",):
        raise ValueError(f"unknown sandbox level {level!r}: choose auto, {', '.join(LEVELS)}")
    return level


def at_least(level: str, required: str) -> bool:
    """``level`` is as strong as ``required`` (bwrap > unshare > none)."""
    return LEVELS.index(level) <= LEVELS.index(required)


def choose_level(requested: str = "auto") -> tuple[str, str | None]:
    """The level to use and, when it is weaker than asked, why."""
    if requested == "none":
        return "none", None
    order = LEVELS if requested == "auto" else LEVELS[LEVELS.index(requested):]
    reasons = []
    for level in order:
        if level == "none":
            break
        problem = _probe(level)
        if problem is None:
            return level, ("; ".join(reasons) or None)
        reasons.append(f"{level}: {problem}")
    return "none", "; ".join(reasons) or None


@functools.lru_cache(maxsize=None)
def _probe(level: str) -> str | None:
    """None when ``level`` can confine a process on this machine, else a one-line reason.

    ``unshare`` is probed with the real thing: ``confine.py`` builds the whitelisted root, drops to a
    dedicated uid (grader as root) and starts this Python again in there."""
    tool = "bwrap" if level == "bwrap" else "unshare"
    if shutil.which(tool) is None:
        return f"{tool} is not installed" + (" (Debian: apt-get install bubblewrap)" if tool == "bwrap" else "")
    if level == "bwrap":
        argv = wrap(level, ["/bin/sh", "-c", "exit 0"], copy_dir=None, workdir=None, uid=None)
    else:
        uid = str(PROBE_UID) if os.geteuid() == 0 else "-"
        argv = wrap(level, [sys.executable, "-I", str(Path(__file__).with_name("confine.py")),
                            json.dumps(root_spec(None, None)), uid], copy_dir=None, workdir=None, uid=None)
    try:
        result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{tool} could not start ({exc})"
    if result.returncode != 0:
        err = result.stderr.decode("utf-8", "replace").strip().splitlines()
        return f"{tool} refused to start ({err[-1] if err else 'exit code ' + str(result.returncode)})"
    return None


def wrap(level: str, argv: list[str], *, copy_dir: Path | None, workdir: Path | None,
         uid: int | None) -> list[str]:
    """The command line that runs ``argv`` at ``level``."""
    if level == "bwrap":
        caps = () if os.geteuid() != 0 else ("CAP_SETPCAP",) + (("CAP_SETUID", "CAP_SETGID") if uid is not None else ())
        return bwrap_args(rw=[copy_dir], ro=[workdir], caps=caps) + ["--"] + argv
    if level == "unshare":
        user = [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
        return (["unshare", "--pid", "--fork", "--kill-child", "--mount", "--mount-proc", "--net", "--ipc",
                 "--uts"] + user + ["--"] + argv)
    return list(argv)


def reachable_by_others(path: str) -> bool:
    """Every folder from / down to ``path`` can be traversed by any user (o+x)."""
    current = Path(path)
    for folder in [current, *current.parents]:
        try:
            if not os.stat(folder).st_mode & 0o001:
                return False
        except OSError:
            return False
    return True


def unprotected(level: str, uid: int | None) -> tuple[str, ...]:
    """What the student's code is NOT protected from doing at ``level`` (keys of :data:`UNPROTECTED`):

    ``files``: read and write whatever its uid can (other hand-ins, the original, ``--out``, the
    grader's installation); ``network``; ``processes``: children that call setsid outlive the kill;
    ``root``: it runs as root without capabilities (root's files are writable, no process limit);
    ``shared_uid``: it runs under the grader's own uid (the process limit counts the grader's processes)."""
    gaps = ["files", "network", "processes"] if level == "none" else []
    if uid is None:
        gaps.append("root" if os.geteuid() == 0 else "shared_uid")
    return tuple(gaps)


@dataclass(frozen=True)
class Sandbox:
    """The confinement of one submission's student processes."""

    level: str
    limits: Limits = Limits()
    uid: int | None = None  # dedicated uid (grader running as root), else None
    note: str | None = None  # why the level is weaker than asked, if it is

    def command(self, child_script: Path, child_args: list[str], copy_dir: Path, workdir: Path) -> list[str]:
        argv = [sys.executable, "-I", str(child_script), *child_args, "--limits", json.dumps(self.limits.as_dict())]
        if self.uid is not None:
            argv += ["--drop-uid", str(self.uid)]
        if self.level == "unshare":
            argv += ["--root", json.dumps(root_spec(copy_dir, workdir))]
        return wrap(self.level, argv, copy_dir=copy_dir, workdir=workdir, uid=self.uid)

    def describe(self) -> dict:
        return {"level": self.level, "uid": self.uid if self.uid is not None else os.geteuid(),
                "dedicated_uid": self.uid is not None, "limits": self.limits.as_dict(), "note": self.note,
                "unprotected": list(unprotected(self.level, self.uid))}


def _choose(requested: str) -> tuple[str, str | None]:
    """``requested`` comes from the config; its "auto" defers to GRADER_SANDBOX."""
    return choose_level(requested_level(None if requested == "auto" else requested))


def resolve_level(requested: str) -> str:
    """The level a run asking for ``requested`` gets on this machine."""
    return _choose(requested)[0]


def level_and_reason(requested: str) -> tuple[str, str | None]:
    """The level a run asking for ``requested`` gets here, and why it is weaker than asked (or None)."""
    return _choose(requested)


@contextmanager
def sandbox_for(requested: str, limits: Limits) -> Iterator[Sandbox]:
    """The sandbox of one submission: the level (probed once per process) and, while it is graded, a
    dedicated uid where one works."""
    level, note = _choose(requested)
    uid = UIDS.acquire()
    if uid is not None and level == "none" and not all(reachable_by_others(r) for r in python_roots()):
        UIDS.release(uid)  # an unprivileged uid could not even start this Python without a root of its own
        uid = None
        note = (note + "; " if note else "") + "student code runs as root: the Python installation is not " \
                                               "readable by an unprivileged user"
    try:
        yield Sandbox(level, limits, uid, note)
    finally:
        UIDS.release(uid)


def launcher_command(level: str, argv: list[str], class_root: Path) -> list[str] | None:
    """How to start the warm launcher of a sandboxed class run; None when it cannot be sandboxed here
    (the class run then starts each student process afresh, sandboxed).

    The launcher runs no student code: each process it forks builds its own root (:func:`root_spec`)
    from the launcher's view before any student code runs."""
    if level == "none":
        return list(argv)
    if os.geteuid() != 0:
        return None  # its children would need to create namespaces and keep a uid of their own
    if level == "bwrap":
        # CAP_KILL: the root process that waits for each forked student kills the student's PID namespace when
        # the launcher dies (zygote.py); the student drops every capability before its code runs.
        caps = ("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID", "CAP_SYS_CHROOT", "CAP_SETPCAP", "CAP_KILL")
        return bwrap_args(rw=[class_root], ro=[], new_pid=False, caps=caps) + ["--"] + argv
    return ["unshare", "--mount", "--net", "--ipc", "--uts", "--"] + argv


def prepare_folders(root: Path, copy_dir: Path, workdir: Path, uid: int | None) -> None:
    """Give the sandbox user its copy (read-write, private) and the work folder (read-only)."""
    if uid is None:
        return
    os.chmod(root, 0o711)
    os.chmod(workdir, 0o755)
    for folder, dirs, files in os.walk(copy_dir):
        os.chown(folder, uid, uid)
        for name in dirs + files:
            os.chown(os.path.join(folder, name), uid, uid, follow_symlinks=False)
    os.chmod(copy_dir, 0o700)


RUNTIME_FILES = ("child.py", "confine.py", "zygote.py", "stubs.py", "stubs_libs.py", "stubs_plot.py", "watch.py",
                 "autograd_watch.py", "script_run.py")


def install_runtime(folder: Path) -> Path:
    """Copy the student-side scripts into ``folder``: the student process never sees the grader's package.

    Called again before every student process starts, so a process always runs the grader's own
    scripts, whatever an earlier one did. Returns the path of ``child.py`` there."""
    for name in RUNTIME_FILES:
        target = folder / name
        try:
            target.unlink()  # never write through a link or into a file someone else opened
        except FileNotFoundError:
            pass
        shutil.copyfile(Path(__file__).with_name(name), target)
        os.chmod(target, 0o644)
    return folder / "child.py"
