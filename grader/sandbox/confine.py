"""Confinement applied by the student process to itself before any student code runs.

Standalone (standard library only): ``child.py`` and ``zygote.py`` load it by
path from the work folder, and the ``unshare`` level's probe runs it as a
script. In order:

1. ``unshare`` level and class runs (the process is root of its own mount and
   PID namespaces at that point): build a new root from a *whitelist*
   (:func:`build_root`), as bubblewrap does: a tmpfs holding read-only binds of
   ``/usr`` and its ``/bin``/``/lib`` links, a few ``/etc`` files, the Python
   installation and the grader's work folder, the submission's copy bound
   read-write, a private 1777 ``/tmp``, a minimal ``/dev`` with a private 1777
   ``/dev/shm``, and a ``/proc`` of the new PID namespace; then ``pivot_root``
   into it and detach the old root. Nothing else exists for the student: not
   the original hand-in, not the other hand-ins, not the ``--out`` folder, not
   the grader's installation;
2. drop to the dedicated uid/gid when one is given (the grader runs as root),
   then empty every capability set (a process left as uid 0 is root without
   powers: it cannot undo the mounts of step 1);
3. set ``PR_SET_NO_NEW_PRIVS`` so no set-uid program can give privileges back;
4. set the resource limits: address space, CPU seconds, file size, open
   files, no core dumps, processes (counted per uid: enforced only when the
   process does not run as root), and make the student's processes the
   first the kernel kills when memory runs out (``oom_score_adj`` 1000).

Any failure is fatal (the process exits with code 97 before the submission is
imported): a sandbox that silently did not apply is worse than none.
"""

from __future__ import annotations

import ctypes
import json
import os
import platform
import resource
import signal
import stat
import sys

PR_SET_NO_NEW_PRIVS = 38
PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 0x4000, 1 << 18
MNT_DETACH = 2
KEPT_FLAGS = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | 16 | 64 | 1024 | 2048 | 4096  # + sync, atime flags
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "arm64": 41, "riscv64": 41, "loongarch64": 41, "i686": 217,
              "i386": 217, "armv7l": 218, "ppc64le": 203, "ppc64": 203, "s390x": 217}
STAGING = "/tmp"  # where the new root is assembled (every source is opened before it is covered)
PROC_READ_ONLY = ("sys", "sysrq-trigger", "irq", "bus")  # as bubblewrap's --proc
CONFINE_FAILED = 97


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target: str, fstype, flags: int, data, what: str) -> None:
    enc = (lambda s: s.encode() if isinstance(s, str) else s)
    _check(_libc().mount(enc(source), enc(target), enc(fstype), flags, enc(data)), what)


# ----------------------------------------------------------------------------- the new root

def build_root(spec: dict) -> None:
    """Replace this mount namespace's root by one made of ``spec`` only (see the module docstring).

    ``spec`` (JSON from the grader, see ``rootfs.root_spec``): ``ro`` and ``rw`` folders or files
    bound at the same path (``ro`` sources that do not exist are skipped), ``symlinks`` ([path,
    target]), ``devices`` (bound from the host's /dev), ``empty`` (folders inside a bound one that
    are covered with an empty tmpfs), ``tmp_mb`` (size of /tmp and of /dev/shm)."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE, None, "make mounts private")
    binds = [(path, "ro") for path in spec.get("ro", [])] + [(path, "rw") for path in spec.get("rw", [])]
    sources = {path: os.open(path, os.O_PATH | os.O_CLOEXEC) for path, _ in binds + [
        (dev, "dev") for dev in spec.get("devices", [])] if os.path.exists(path)}
    try:
        old_umask = os.umask(0o022)
        new = STAGING
        _mount("tmpfs", new, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m", "mount the new root")
        size = f"size={int(spec.get('tmp_mb', 256))}m"
        _mount("tmpfs", _made(new, "/tmp"), "tmpfs", MS_NOSUID | MS_NODEV, f"mode=1777,{size}", "mount /tmp")
        _make_dev(new, sources, spec.get("devices", []), size)
        for path, target in spec.get("symlinks", []):
            os.symlink(target, new + path)
        for path, kind in sorted(binds, key=lambda b: b[0]):
            if path in sources:
                _bind(sources[path], new + path, read_only=(kind == "ro"))
        for path in spec.get("empty", []):
            if os.path.isdir(new + path):
                _mount("tmpfs", new + path, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=4k,mode=000",
                       f"hide {path}")
        _make_proc(new)
        _enter(new)
        os.umask(old_umask)
    finally:
        for fd in sources.values():
            os.close(fd)
    _point_home_at_tmp()


def _made(root: str, path: str, is_dir: bool = True) -> str:
    """``root + path``, created (parents 0755, traversable by the student's uid) as a folder or a file."""
    target = root + path
    os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
    if is_dir:
        os.makedirs(target, mode=0o755, exist_ok=True)
    elif not os.path.exists(target):
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644))
    return target


def _bind(fd: int, target: str, read_only: bool, device: bool = False) -> None:
    """Bind the opened source ``fd`` on ``target``, then remount it with the wanted flags (a bind mount
    takes the source's flags; read-only needs a remount). Flags the source has are kept (a user
    namespace may not clear them)."""
    is_dir = stat.S_ISDIR(os.fstat(fd).st_mode)
    _made("", target, is_dir)
    _mount(f"/proc/self/fd/{fd}", target, None, MS_BIND, None, f"bind {target}")
    flags = (os.statvfs(target).f_flag & KEPT_FLAGS) | MS_NOSUID | (0 if device else MS_NODEV)
    flags = (flags | MS_RDONLY) if read_only else (flags & ~MS_RDONLY)
    _mount(None, target, None, MS_BIND | MS_REMOUNT | flags, None, f"remount {target}")


def _make_dev(new: str, sources: dict[str, int], devices: list[str], size: str) -> None:
    """A minimal /dev: the host's device nodes listed, the usual links, a private 1777 /dev/shm."""
    dev = _made(new, "/dev")
    _mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k", "mount /dev")
    for path in devices:
        if path in sources:
            _bind(sources[path], new + path, read_only=False, device=True)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2")):
        os.symlink(target, os.path.join(dev, name))
    _mount("tmpfs", _made(new, "/dev/shm"), "tmpfs", MS_NOSUID | MS_NODEV, f"mode=1777,{size}", "mount /dev/shm")
    _mount(None, dev, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC, None, "remount /dev")


def _make_proc(new: str) -> None:
    """/proc of this PID namespace, with the kernel's knobs read-only (as bubblewrap's --proc)."""
    proc = _made(new, "/proc")
    _mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None, "mount /proc")
    for name in PROC_READ_ONLY:
        path = os.path.join(proc, name)
        if os.path.exists(path):
            _mount(path, path, None, MS_BIND | MS_REC, None, f"bind /proc/{name}")
            _mount(None, path, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, None,
                   f"remount /proc/{name}")


def _enter(new: str) -> None:
    """Make ``new`` the root (pivot_root, then detach the old root; chroot where pivot_root is refused)
    and make the root folder itself read-only."""
    os.chdir(new)
    number = PIVOT_ROOT.get(platform.machine())
    libc = _libc()
    if number is not None and libc.syscall(number, b".", b".") == 0:
        _check(libc.umount2(b".", MNT_DETACH), "detach the old root")
    else:  # e.g. an initramfs root, which cannot be pivoted: the old root stays, out of reach
        _check(libc.chroot(b"."), "chroot")
    os.chdir("/")
    _mount(None, "/", None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None, "remount / read-only")


def _point_home_at_tmp() -> None:
    """The only writable folders are the copy and /tmp: HOME and TMPDIR go to /tmp (tempfile may have
    cached a folder of the old root in a warm launcher)."""
    os.environ["HOME"] = os.environ["TMPDIR"] = "/tmp"
    tempfile = sys.modules.get("tempfile")
    if tempfile is not None:
        tempfile.tempdir = None


def new_namespaces() -> None:
    """In a process forked by the warm launcher: new mount, PID, network, IPC and UTS namespaces.

    The next process forked becomes PID 1 of the new PID namespace: when it dies, every process the
    student started dies with it. It then builds its root with :func:`build_root`."""
    _check(_libc().unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")


# ----------------------------------------------------------------------------- uid, capabilities, limits

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


def drop_bounding_set() -> None:
    """Empty the bounding and ambient sets: no execve can ever give a capability back. Needs
    CAP_SETPCAP, so it runs before the uid is dropped."""
    libc = _libc()
    for cap in range(64):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)  # EINVAL past the last capability: ignored
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)


def drop_capabilities() -> None:
    """Empty the effective, permitted and inheritable sets (a process left as uid 0 is root without powers)."""
    libc = _libc()
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(libc.capset(ctypes.byref(header), data), "drop capabilities")


def killed_first_when_memory_runs_out() -> None:
    """The kernel's OOM killer picks the student's processes before any other (the grader among them):
    the address-space limit is per process, and 64 processes under it can still exhaust the machine."""
    with open("/proc/self/oom_score_adj", "w") as fh:
        fh.write("1000")


def no_new_privs() -> None:
    _check(_libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "set no_new_privs")


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


def confine(root: dict | None, uid: int | None, limits: dict[str, int]) -> None:
    """Steps 1 to 4 of the module docstring; exits with :data:`CONFINE_FAILED` when one fails."""
    try:
        if root is not None:
            build_root(root)
        killed_first_when_memory_runs_out()
        drop_bounding_set()
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


def _probe() -> None:
    """``python -I confine.py ROOT_JSON UID``: confine as a student process would be, then start this
    Python again under that uid inside the new root (what the ``unshare`` level's probe runs)."""
    root, uid = json.loads(sys.argv[1]), (int(sys.argv[2]) if sys.argv[2] != "-" else None)
    confine(root, uid, {})
    os.execv(sys.executable, [sys.executable, "-I", "-S", "-c", "import os; os.stat('/tmp')"])


if __name__ == "__main__":
    _probe()
