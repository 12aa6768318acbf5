"""The environment of every student process (fresh interpreter or warm launcher).

A module of its own so that the process and the launcher both use it without importing each other.
"""

from __future__ import annotations

import os

THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "TORCH_NUM_THREADS": "1",
}


# multiprocessing makes Unix sockets in TMPDIR ("<TMPDIR>/pymp-xxxxxxxx/listener-xxxxxxxx"), whose paths end at
# 107 bytes: under a longer TMPDIR a DataLoader with workers waits forever for its first batch (a correct hand-in
# timed out at the ``none`` level, where the grader's own TMPDIR is passed on).
SOCKET_SAFE_TMPDIR = 60


def child_environment() -> dict[str, str]:
    """A minimal environment: no PYTHONPATH or user site, threads pinned to one.

    ``PYTHONBREAKPOINT=0`` turns a ``breakpoint()`` into a no-op in any Python the student's code starts; the
    student process itself runs ``python -I``, which ignores ``PYTHON*`` variables, so ``child.py`` also sets
    ``sys.breakpointhook`` (it has no terminal: pdb would stop the call).
    """
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    if len(env.get("TMPDIR", "").encode()) > SOCKET_SAFE_TMPDIR and os.path.isdir("/tmp"):
        env["TMPDIR"] = "/tmp"  # (the sandboxed levels set /tmp anyway: this is for ``none``)
    env.update(THREAD_ENV)
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONBREAKPOINT"] = "0"
    env["MPLBACKEND"] = "Agg"
    return env
