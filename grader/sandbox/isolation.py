"""How strongly the student process is confined: ``bwrap``, ``unshare`` or ``none``.

The strongest level that works on this machine is chosen once per grader
process (``choose_level``), unless ``--sandbox`` / ``GRADER_SANDBOX`` asks for
one. Each level turns the student process's command line into a confined one:

``bwrap``
    bubblewrap: new PID, network, IPC and UTS namespaces; a filesystem made of
    read-only ``/usr`` (and its ``/bin``/``/lib`` links), the Python
    installation, the grader's work folder (read-only) and the submission's
    temporary copy (read-write); a private ``/tmp``; ``/proc`` of its own PID
    namespace; no capabilities. The grader's package, its reference solution
    and everything else on the machine are simply not there.
``unshare``
    util-linux ``unshare``: the same namespaces, plus a mount namespace in
    which ``child.py`` hides the grader's installation under empty tmpfs
    mounts before any student code runs. The rest of the filesystem stays
    visible (with the permissions of the sandbox user).
``none``
    a plain child process in its own session.

At every level the grader, when it runs as root, runs the student's code
under a dedicated unprivileged uid (one per concurrent submission, from
:data:`UID_BASE`), because ``RLIMIT_NPROC`` is not enforced for root and a
dedicated uid also keeps concurrent submissions out of each other's files.
Resource limits (:class:`Limits`) are applied by ``child.py`` at every level.
docs/security.md explains what each level defends and what it does not.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

LEVELS = ("bwrap", "unshare", "none")
UID_BASE = 64_000  # dedicated uids for student processes when the grader runs as root
UID_SLOTS = 256
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # the ``grader`` package: never visible to students


@dataclass(frozen=True)
class Limits:
    """Resource limits of one student process (``setrlimit`` in ``child.py``)."""

    address_space_mb: int = 3072  # torch needs ~0.7 GiB of address space with one thread
    cpu_s: int = 600  # CPU seconds of one student process (a fresh process after each timeout/crash)
    file_size_mb: int = 64  # largest file it may write: caps the captured stdout/stderr too
    open_files: int = 256
    processes: int = 64  # processes and threads; enforced only under a non-root uid

    def as_dict(self) -> dict[str, int]:
        """What ``confine.set_limits`` takes (as JSON on child.py's command line, or in a launcher request)."""
        return asdict(self)


class UidPool:
    """Hands out one dedicated uid per concurrently graded submission (grader running as root)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._used: set[int] = set()

    def acquire(self) -> int | None:
        if os.geteuid() != 0:
            return None
        with self._lock:
            for uid in range(UID_BASE, UID_BASE + UID_SLOTS):
                if uid not in self._used:
                    self._used.add(uid)
                    return uid
        return None

    def release(self, uid: int | None) -> None:
        with self._lock:
            self._used.discard(uid)


UIDS = UidPool()


def requested_level(value: str | None = None) -> str:
    """``auto`` or a level name, from the argument or ``GRADER_SANDBOX``."""
    level = (value or os.environ.get("GRADER_SANDBOX") or "auto").strip().lower()
    if level not in LEVELS + ("auto",):
        raise ValueError(f"unknown sandbox level {level!r}: choose auto, {', '.join(LEVELS)}")
    return level


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
    """None when ``level`` can start a process on this machine, else a one-line reason."""
    tool = "bwrap" if level == "bwrap" else "unshare"
    if shutil.which(tool) is None:
        return f"{tool} is not installed" + (" (Debian: apt-get install bubblewrap)" if tool == "bwrap" else "")
    argv = wrap(level, ["/bin/sh", "-c", "exit 0"], copy_dir=None, workdir=None, uid=None)
    try:
        result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{tool} could not start ({exc})"
    if result.returncode != 0:
        err = result.stderr.decode("utf-8", "replace").strip().splitlines()
        return f"{tool} refused to start ({err[-1] if err else 'exit code ' + str(result.returncode)})"
    return None


@functools.lru_cache(maxsize=None)
def python_roots() -> tuple[str, ...]:
    """Folders the student's Python needs: the interpreter's installation and the environment."""
    roots = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)}
    roots.add(os.path.dirname(os.path.realpath(sys.executable)))
    roots = {r for r in roots if not r.startswith("/usr/") and r != "/usr"}
    # keep only the outermost folders
    return tuple(sorted(r for r in roots if not any(r != o and r.startswith(o + os.sep) for o in roots)))


@functools.lru_cache(maxsize=None)
def hidden_paths() -> tuple[str, ...]:
    """What a student process must never see: the grader's package and the project's other folders."""
    hide = [str(PACKAGE_DIR)]
    project = PACKAGE_DIR.parent
    if (project / "reference").is_dir() or (project / "pyproject.toml").is_file():
        keep = {Path(r) for r in python_roots()}
        for entry in sorted(project.iterdir()):
            if entry == PACKAGE_DIR or not entry.is_dir() or entry.is_symlink():
                continue
            if any(k == entry or entry in k.parents for k in keep):
                continue  # the virtual environment lives in the project folder
            hide.append(str(entry))
    return tuple(hide)


def wrap(level: str, argv: list[str], *, copy_dir: Path | None, workdir: Path | None,
         uid: int | None) -> list[str]:
    """The command line that runs ``argv`` at ``level``."""
    if level == "bwrap":
        caps = ("CAP_SETUID", "CAP_SETGID") if uid is not None and os.geteuid() == 0 else ()
        return _bwrap(rw=[copy_dir], ro=[workdir], caps=caps) + ["--"] + argv
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
            argv += [arg for path in hidden_paths() for arg in ("--hide", path)]
        return wrap(self.level, argv, copy_dir=copy_dir, workdir=workdir, uid=self.uid)

    def describe(self) -> dict:
        return {"level": self.level, "uid": self.uid if self.uid is not None else os.geteuid(),
                "dedicated_uid": self.uid is not None, "limits": self.limits.as_dict(), "note": self.note}


def _choose(requested: str) -> tuple[str, str | None]:
    """``requested`` comes from the config; its "auto" defers to GRADER_SANDBOX."""
    return choose_level(requested_level(None if requested == "auto" else requested))


def resolve_level(requested: str) -> str:
    """The level a run asking for ``requested`` gets on this machine."""
    return _choose(requested)[0]


@contextmanager
def sandbox_for(requested: str, limits: Limits) -> Iterator[Sandbox]:
    """The sandbox of one submission: the level (probed once per process) and, while it is graded, a
    dedicated uid where one works."""
    level, note = _choose(requested)
    uid = UIDS.acquire()
    if uid is not None and level != "bwrap" and not all(reachable_by_others(r) for r in python_roots()):
        UIDS.release(uid)  # an unprivileged uid could not even start this Python outside bwrap
        uid = None
        note = (note + "; " if note else "") + "student code runs as root: the Python installation is not " \
                                               "readable by an unprivileged user"
    try:
        yield Sandbox(level, limits, uid, note)
    finally:
        UIDS.release(uid)


def _bwrap(rw: list[Path | None], ro: list[Path | None], *, new_pid: bool = True,
           caps: tuple[str, ...] = ()) -> list[str]:
    """bubblewrap's arguments: ``rw`` folders bound read-write, ``ro`` read-only, ``caps`` kept.

    ``new_pid`` False is for the warm launcher, whose children each make their own PID namespace
    (and whose pids must be the grader's, to be killed by it)."""
    rw_paths = [str(p) for p in rw if p is not None]
    ro_paths = [str(p) for p in ro if p is not None]
    args = ["bwrap", "--die-with-parent", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--hostname", "grader-sandbox"]
    if new_pid:
        args += ["--unshare-pid"]
    if os.geteuid() != 0:
        args += ["--unshare-user"]
    args += ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for etc in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/passwd", "/etc/group"):
        args += ["--ro-bind-try", etc, etc]
    args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    # bwrap creates missing parent folders with mode 0700: make them traversable for the sandbox uid first
    bound = [*python_roots(), *ro_paths, *rw_paths]
    made: list[str] = []
    for path in bound:
        for parent in reversed(Path(path).parents):
            if str(parent) not in ("/", "/usr", "/tmp") and str(parent) not in made and str(parent) not in bound:
                made.append(str(parent))
                args += ["--perms", "0755", "--dir", str(parent)]
    for root in python_roots():
        args += ["--ro-bind", root, root]
    for path in hidden_paths():
        if any(path == r or path.startswith(r + os.sep) for r in python_roots()):
            args += ["--tmpfs", path]  # e.g. a non-editable install of the grader in site-packages
    for path in ro_paths:
        args += ["--ro-bind", path, path]
    for path in rw_paths:
        args += ["--bind", path, path]
    args += ["--chdir", "/", "--setenv", "HOME", "/tmp", "--setenv", "TMPDIR", "/tmp", "--cap-drop", "ALL"]
    for cap in caps:
        args += ["--cap-add", cap]  # child.py / zygote.py drop them before any student code runs
    return args


def launcher_command(level: str, argv: list[str], class_root: Path) -> list[str] | None:
    """How to start the warm launcher of a sandboxed class run; None when it cannot be sandboxed here
    (the class run then starts each student process afresh, sandboxed)."""
    if level == "none":
        return list(argv)
    if os.geteuid() != 0:
        return None  # its children would need to create namespaces and keep a uid of their own
    if level == "bwrap":
        caps = ("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID")
        return _bwrap(rw=[class_root], ro=[], new_pid=False, caps=caps) + ["--"] + argv
    hides = [arg for path in hidden_paths() for arg in ("--hide", path)]
    return ["unshare", "--mount", "--net", "--ipc", "--uts", "--"] + argv + hides


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


RUNTIME_FILES = ("child.py", "confine.py", "zygote.py", "stubs.py", "stubs_libs.py", "stubs_plot.py")


def install_runtime(folder: Path) -> Path:
    """Copy the student-side scripts into ``folder``: the student process never sees the grader's package.

    Returns the path of ``child.py`` there."""
    for name in RUNTIME_FILES:
        target = folder / name
        shutil.copyfile(Path(__file__).with_name(name), target)
        os.chmod(target, 0o644)
    return folder / "child.py"
