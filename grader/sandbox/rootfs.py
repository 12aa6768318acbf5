"""The student's root at the ``bwrap`` and ``unshare`` levels: one whitelist, two builders.

What a student process sees is decided here once: read-only ``/usr`` and its
``/bin``/``/lib`` links, a few ``/etc`` files, the Python installation, the
grader's work folder; its copy read-write; a private 1777 ``/tmp`` and
``/dev/shm``; a minimal ``/dev``; ``/proc`` of its PID namespace. bubblewrap
builds it from :func:`bwrap_args` (``bwrap`` level); ``confine.build_root``
builds it from :func:`root_spec` (``unshare`` level and every class run).
Anything not listed does not exist for the student: the grader's package
(:func:`hidden_paths`), the original hand-in, the other hand-ins, ``--out``.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # the ``grader`` package: never visible to students
SYSTEM_TOPS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")  # links into /usr, or folders
ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/passwd", "/etc/group")
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty")
TMP_MB = 512  # size of the student's private /tmp and /dev/shm (tmpfs: memory)


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


def hidden_in_python_roots() -> list[str]:
    """Hidden folders that a bound folder would show (e.g. a non-editable install of the grader in
    site-packages, or under /usr/local): they get an empty tmpfs over them."""
    bound = [*python_roots(), "/usr", *(top for top in SYSTEM_TOPS if not os.path.islink(top))]
    return [p for p in hidden_paths() if any(p == r or p.startswith(r + os.sep) for r in bound)]


def system_entries() -> tuple[list[str], list[list[str]]]:
    """The system part of the student's root: read-only folders and files, and [link, target] symlinks."""
    ro, links = ["/usr"], []
    for top in SYSTEM_TOPS:
        if os.path.islink(top):
            links.append([top, os.readlink(top)])
        elif os.path.isdir(top):
            ro.append(top)
    return ro + list(ETC_FILES), links


def root_spec(copy_dir: Path | None, workdir: Path | None) -> dict:
    """The whitelist ``confine.build_root`` makes the student's root of (``unshare`` level, class runs)."""
    ro, links = system_entries()
    ro += list(python_roots()) + ([str(workdir)] if workdir else [])
    return {"ro": ro, "rw": [str(copy_dir)] if copy_dir else [], "symlinks": links, "devices": list(DEVICES),
            "empty": hidden_in_python_roots(), "tmp_mb": TMP_MB}


def bwrap_args(rw: list[Path | None], ro: list[Path | None], *, new_pid: bool = True,
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
    system, links = system_entries()
    for link, target in links:
        args += ["--symlink", target, link]
    for path in system:
        args += ["--ro-bind-try", path, path]
    size = str(TMP_MB * 1024 * 1024)
    args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", size, "--tmpfs", "/dev/shm",
             "--perms", "1777", "--size", size, "--tmpfs", "/tmp"]
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
    for path in hidden_in_python_roots():
        args += ["--tmpfs", path]  # e.g. a non-editable install of the grader in site-packages
    for path in ro_paths:
        args += ["--ro-bind", path, path]
    for path in rw_paths:
        args += ["--bind", path, path]
    args += ["--chdir", "/", "--setenv", "HOME", "/tmp", "--setenv", "TMPDIR", "/tmp", "--cap-drop", "ALL"]
    for cap in caps:
        args += ["--cap-add", cap]  # child.py / zygote.py drop them before any student code runs
    return args
