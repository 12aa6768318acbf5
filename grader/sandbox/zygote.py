"""A warm launcher of student processes, for class runs: pays ``import torch`` once.

Run as ``python -I zygote.py --sock FD`` with the same minimal environment as a
student process (threads pinned to one). It imports torch and warms up
autograd, never runs student code itself, and for each request received on
the Unix socket (a JSON line plus four file descriptors passed with
SCM_RIGHTS: request pipe, reply pipe, stdout file, stderr file) forks a fresh
child that becomes a new session, takes those descriptors and serves the
student's submission exactly as ``child.py`` does. The fork happens after
torch's import with one thread and no thread pool started, which is safe.
It replies ``{"pid": N}``; children are reaped automatically.

Sandboxed class runs (``bwrap`` / ``unshare``): the launcher itself runs in a
sandbox that sees the class run's folder, and each forked child, before any
student code, enters new mount, PID, network, IPC and UTS namespaces, forks
PID 1 of its PID namespace (which serves the student; the fork the grader
knows waits for it), and there applies ``confine.py`` exactly as a fresh
student process at the ``unshare`` level does: the whitelisted root of the
request (its own copy read-write, its work folder read-only, the Python
installation, nothing of the other submissions), then the dedicated uid, no
capabilities and the resource limits.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PR_SET_PDEATHSIG = 1


def _load(name: str, filename: str):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, filename))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_child(child, confine, sock: socket.socket, request: dict, fds: list[int]) -> None:
    """In the forked process: become the student process. Never returns."""
    code = 1
    try:
        sock.close()
        req_fd, resp_fd, out_fd, err_fd = fds
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        for fd in (devnull, out_fd, err_fd):
            os.close(fd)
        code = _become_student(child, confine, request, req_fd, resp_fd)
    except SystemExit:
        pass
    except BaseException as exc:  # whatever happened, this process ends here; say why in its stderr
        _report(f"grader sandbox: the student process could not start: {type(exc).__name__}: {exc}")
    finally:
        os._exit(code)


def _become_student(child, confine, request: dict, req_fd: int, resp_fd: int) -> int:
    """Confine this process and serve the submission; returns the exit code.

    Sandboxed class runs first enter new namespaces and fork PID 1 of the new PID namespace, which
    does the rest while this process waits for it (and exits with its code)."""
    root = request.get("root")
    if root is not None:
        launcher = os.getppid()
        confine.new_namespaces()
        pid = os.fork()
        if pid:
            os.close(req_fd)
            os.close(resp_fd)
            _die_with_launcher(confine, pid, launcher)
            return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) & 0xFF
    confine.confine(root, request.get("uid"), request.get("limits") or {})
    _serve(child, request, req_fd, resp_fd)
    return 0


def _die_with_launcher(confine, pid: int, launcher: int) -> None:
    """When the launcher dies (the grader was killed: bwrap takes the launcher with it), kill PID 1 of the
    student's PID namespace, which takes every process of the namespace with it. PID 1's own parent-death
    signal is cleared when it drops to the student's uid, and an orphan would be re-parented and keep running;
    this process stays root and runs no student code, so the student cannot send it this signal."""
    try:  # that very process, even once reaped: a pid can be reused, a pidfd cannot
        pidfd = os.pidfd_open(pid)
        send = lambda: signal.pidfd_send_signal(pidfd, signal.SIGKILL)  # noqa: E731
    except (AttributeError, OSError):  # pragma: no cover - a kernel before 5.3
        send = lambda: os.kill(pid, signal.SIGKILL)  # noqa: E731

    def kill_namespace(_signum, _frame):
        try:
            send()
        finally:
            os._exit(1)

    signal.signal(signal.SIGUSR2, kill_namespace)
    confine._libc().prctl(PR_SET_PDEATHSIG, signal.SIGUSR2, 0, 0, 0)
    if os.getppid() != launcher:  # it died before the signal was asked for
        kill_namespace(None, None)


def _report(line: str) -> None:
    try:
        os.write(2, (line + "\n").encode("utf-8", "replace"))
    except OSError:
        pass


def _serve(child, request: dict, req_fd: int, resp_fd: int) -> None:
    sys.stdout = os.fdopen(1, "w", buffering=1, encoding="utf-8", errors="replace")
    sys.stderr = os.fdopen(2, "w", buffering=1, encoding="utf-8", errors="replace")
    child.serve(req_fd, resp_fd, request["submission"], request["workdir"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sock", type=int, required=True)
    opts = parser.parse_args()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET, fileno=opts.sock)
    child = _load("grader_student_child", "child.py")
    confine = _load("grader_student_confine", "confine.py")
    import torch

    child._warm_up_autograd(torch)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    sock.sendall(b'{"ready": true}\n')
    while True:
        try:
            data, fds, _flags, _addr = socket.recv_fds(sock, 65536, 4)
        except OSError:
            return
        if not data:
            return
        request = json.loads(data)
        pid = os.fork()
        if pid == 0:
            _run_child(child, confine, sock, request, list(fds))
        for fd in fds:
            os.close(fd)
        sock.sendall((json.dumps({"pid": pid}) + "\n").encode())


if __name__ == "__main__":
    main()
