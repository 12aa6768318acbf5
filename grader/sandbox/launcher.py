"""Parent side of the warm launcher (``zygote.py``): one per class run, shared by the workers."""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from grader.sandbox.cleanup import remove_tree
from grader.sandbox.isolation import install_runtime, launcher_command
from grader.sandbox.rootfs import root_spec
from grader.sandbox.environment import child_environment
from grader.sandbox.errors import LauncherError

__all__ = ["LauncherError", "READY_TIMEOUT_S", "WarmLauncher"]

READY_TIMEOUT_S = 120.0


class WarmLauncher:
    """Forks student processes from a process that has already imported torch.

    ``level``: the sandbox level of the class run. The launcher then runs in that sandbox (under bwrap
    seeing only ``class_root``, where every submission's temporary folder of the run is made), and each
    child builds a root of its own that holds only its submission (see zygote.py)."""

    def __init__(self, level: str = "none", wait: bool = True) -> None:
        """``wait``: return once the launcher has imported torch (raises :class:`LauncherError` when it cannot
        start); else return at once, and :meth:`wait_ready` (or the first :meth:`spawn`) waits."""
        self.level = level
        self._ready: bool | None = None  # not known until the launcher says it is ready (or fails to)
        self._tmp = tempfile.TemporaryDirectory(prefix="grader-class-")
        self.class_root = Path(self._tmp.name).resolve()  # bound at this very path in the launcher's sandbox
        runtime = self.class_root / "runtime"
        runtime.mkdir()
        install_runtime(runtime)
        os.chmod(self.class_root, 0o711)
        os.chmod(runtime, 0o755)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        argv = launcher_command(level, [sys.executable, "-I", str(runtime / "zygote.py"), "--sock",
                                        str(theirs.fileno())], self.class_root)
        if argv is None:
            theirs.close()
            ours.close()
            self._tmp.cleanup()
            raise LauncherError(f"no warm launcher in a {level} sandbox when the grader is not root")
        self._sock = ours
        self._lock = threading.Lock()
        self.proc = subprocess.Popen(
            argv, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, env=child_environment(), start_new_session=True, close_fds=True)
        theirs.close()
        if wait and not self.wait_ready():
            self.close()
            raise LauncherError("the warm launcher did not start")

    def wait_ready(self, timeout_s: float = READY_TIMEOUT_S) -> bool:
        """Wait until the launcher has imported torch; False when it did not start."""
        with self._lock:
            if self._ready is None:
                try:
                    self._ready = self._wait_readable(timeout_s) and b"ready" in self._sock.recv(4096)
                except OSError:
                    self._ready = False
            return self._ready

    def _wait_readable(self, timeout_s: float) -> bool:
        return bool(select.select([self._sock], [], [], timeout_s)[0])

    def spawn(self, submission: Path, workdir: Path, fds: tuple[int, int, int, int], uid: int | None = None,
              limits: dict | None = None) -> int:
        """Fork a student process serving ``submission``; returns its pid (also its process group).

        ``submission`` (its copy) and ``workdir`` are in ``class_root``."""
        root = root_spec(submission, workdir) if self.level != "none" else None
        request = json.dumps({"submission": str(submission), "workdir": str(workdir), "uid": uid,
                              "limits": limits or {}, "root": root}).encode()
        if not self.wait_ready():
            raise LauncherError("the warm launcher did not start")
        with self._lock:
            if self.proc.poll() is not None:
                raise LauncherError("the warm launcher has stopped")
            try:
                socket.send_fds(self._sock, [request], list(fds))
                if not self._wait_readable(30):
                    raise LauncherError("the warm launcher did not answer")
                reply = json.loads(self._sock.recv(4096))
            except (OSError, ValueError) as exc:
                raise LauncherError(f"the warm launcher failed: {exc}") from None
        return int(reply["pid"])

    def close(self) -> None:
        try:
            self._sock.close()
        finally:
            if self.proc.poll() is None:
                try:
                    os.killpg(self.proc.pid, 9)
                except (ProcessLookupError, PermissionError):
                    pass
                self.proc.wait(timeout=10)
            remove_tree(self.class_root)  # what a student's code left in its copy, however deep
            self._tmp.cleanup()

    def __enter__(self) -> "WarmLauncher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
