"""Parent side of the warm launcher (``zygote.py``): one per class run, shared by the workers."""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import threading
from pathlib import Path

from grader.sandbox.process import child_environment

ZYGOTE_SCRIPT = Path(__file__).with_name("zygote.py")
READY_TIMEOUT_S = 120.0


class LauncherError(Exception):
    """The warm launcher is not available; the caller falls back to starting Python afresh."""


class WarmLauncher:
    """Forks student processes from a process that has already imported torch."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._sock = ours
        self._lock = threading.Lock()
        self.proc = subprocess.Popen(
            [sys.executable, "-I", str(ZYGOTE_SCRIPT), "--sock", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, env=child_environment(), start_new_session=True, close_fds=True)
        theirs.close()
        if not self._wait_readable(READY_TIMEOUT_S) or b"ready" not in self._sock.recv(4096):
            self.close()
            raise LauncherError("the warm launcher did not start")

    def _wait_readable(self, timeout_s: float) -> bool:
        return bool(select.select([self._sock], [], [], timeout_s)[0])

    def spawn(self, submission: Path, workdir: Path, fds: tuple[int, int, int, int]) -> int:
        """Fork a student process serving ``submission``; returns its pid (also its process group)."""
        request = json.dumps({"submission": str(submission), "workdir": str(workdir)}).encode()
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

    def __enter__(self) -> "WarmLauncher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
