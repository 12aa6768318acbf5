"""Confinement applied by the student process to itself before any student code runs.

Standalone (standard library only): ``child.py`` and ``zygote.py`` load it by
path from the work folder. In order:

1. hide the given paths under empty, read-only tmpfs mounts (``unshare``
   level: the process is root of its own mount namespace at that point);
2. drop to the dedicated uid/gid when one is given (the grader runs as root),
   then empty every capability set (a student left as uid 0 is root without
   powers: it cannot undo the mounts of step 1);
3. set ``PR_SET_NO_NEW_PRIVS`` so no set-uid program can give privileges back;
4. set the resource limits: address space, CPU seconds, file size, open
   files, no core dumps, processes (counted per uid: enforced only when the
   process does not run as root).

Failures of 1 and 2 are fatal (the process exits with code 97 before the
submission is imported): a sandbox that silently did not apply is worse than
none.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys

PR_SET_NO_NEW_PRIVS = 38
PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_RDONLY = 2, 4, 8, 1
CONFINE_FAILED = 97


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def hide(paths: list[str]) -> None:
    libc = _libc()
    for path in paths:
        if not os.path.isdir(path):
            continue
        flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY
        if libc.mount(b"tmpfs", path.encode(), b"tmpfs", flags, b"size=4k,mode=000") != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"cannot hide {path}: {os.strerror(err)}")


def drop_privileges(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    if os.getuid() == 0 or os.geteuid() == 0:  # pragma: no cover - setuid always takes effect
        raise OSError("still root after setuid")


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_capabilities() -> None:
    """Empty the bounding, ambient, effective, permitted and inheritable sets (root without powers)."""
    libc = _libc()
    for cap in range(64):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)  # EINVAL past the last capability: ignored
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    if libc.capset(ctypes.byref(header), data) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"cannot drop capabilities: {os.strerror(err)}")


def no_new_privs() -> None:
    _libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def set_limits(limits: dict[str, int]) -> None:
    mb = 1024 * 1024
    table = [
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_AS, limits.get("address_space_mb", 0) * mb),
        (resource.RLIMIT_CPU, limits.get("cpu_s", 0)),
        (resource.RLIMIT_FSIZE, limits.get("file_size_mb", 0) * mb),
        (resource.RLIMIT_NOFILE, limits.get("open_files", 0)),
        (resource.RLIMIT_NPROC, limits.get("processes", 0)),
    ]
    for which, value in table:
        if value or which == resource.RLIMIT_CORE:
            hard = resource.getrlimit(which)[1]  # a limit can only be lowered: keep a lower hard limit
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (value, value))


def confine(hidden: list[str], uid: int | None, limits: dict[str, int]) -> None:
    try:
        if hidden:
            hide(hidden)
        if uid is not None:
            drop_privileges(uid)
        drop_capabilities()
        no_new_privs()
        set_limits(limits)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # past the file-size cap, writes fail instead of killing
    except Exception as exc:  # noqa: BLE001 - report and stop before any student code
        sys.stderr.write(f"grader sandbox: confinement failed: {exc}\n")
        sys.stderr.flush()
        os._exit(CONFINE_FAILED)


CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_BIND, MS_REC, MS_PRIVATE = 4096, 0x4000, 1 << 18


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def private_namespaces(class_root: str, own_root: str) -> None:
    """In a process forked by the warm launcher: new mount, PID, network, IPC and UTS namespaces, and a
    view of ``class_root`` that holds only this submission's folder ``own_root``.

    The next process forked becomes PID 1 of the new PID namespace: when it dies, every process the
    student started dies with it."""
    libc = _libc()
    _check(libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
    _check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "make mounts private")
    keep = os.open(own_root, os.O_PATH | os.O_DIRECTORY)  # opened in the new namespace: a valid bind source
    _check(libc.mount(b"tmpfs", class_root.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"mode=0711"),
           "hide the other submissions")
    os.makedirs(own_root, mode=0o711, exist_ok=True)
    _check(libc.mount(f"/proc/self/fd/{keep}".encode(), own_root.encode(), None, MS_BIND | MS_REC, None),
           "bind the submission's folder")
    os.close(keep)


def mount_proc() -> None:
    """In PID 1 of a new PID namespace: a /proc that shows only this namespace's processes."""
    _check(_libc().mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None), "mount /proc")
