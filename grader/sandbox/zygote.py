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
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import socket
import sys

CHILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "child.py")


def _load_child():
    spec = importlib.util.spec_from_file_location("grader_student_child", CHILD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_child(child, sock: socket.socket, request: dict, fds: list[int]) -> None:
    """In the forked process: become the student process. Never returns."""
    code = 0
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
        sys.stdout = os.fdopen(1, "w", buffering=1, encoding="utf-8", errors="replace")
        sys.stderr = os.fdopen(2, "w", buffering=1, encoding="utf-8", errors="replace")
        child.serve(req_fd, resp_fd, request["submission"], request["workdir"])
    except BaseException:  # whatever the student did, this process ends here
        code = 1
    finally:
        os._exit(code)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sock", type=int, required=True)
    opts = parser.parse_args()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET, fileno=opts.sock)
    child = _load_child()
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
            _run_child(child, sock, request, list(fds))
        for fd in fds:
            os.close(fd)
        sock.sendall((json.dumps({"pid": pid}) + "\n").encode())


if __name__ == "__main__":
    main()
