"""Hand-ins that forge the student process's replies: their code writes to the grader's reply pipe directly.

The pipe's number is on the child's command line (``--resp N``); a process forked by a class run's
warm launcher has another command line, so the forger also looks for it in the serving frame. Used
by tests/test_hostile_replies.py (one hand-in) and tests/test_classmode.py (in a class).
"""

from __future__ import annotations

from pathlib import Path

from conftest import mutate

HEAD = '"""AMAL'

FORGER = '''import os as _os
import sys as _sys


def _reply_fd():
    try:
        args = open("/proc/self/cmdline", "rb").read().split(b"\\0")
    except OSError:
        args = []
    if b"--resp" in args:
        return int(args[args.index(b"--resp") + 1])
    frame = _sys._getframe()
    while frame is not None:
        if "resp_fd" in frame.f_locals:
            return frame.f_locals["resp_fd"]
        frame = frame.f_back
    raise RuntimeError("no reply pipe found")


def _forge(line):
    view = memoryview(line)
    while view:
        view = view[_os.write(_reply_fd(), view):]


'''

DEEP = b'{"ok": true, "result": {"value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}\n"
HUGE_SHAPE = (b'{"ok": true, "result": {"value": {"__tensor__": {"dtype": "float64", '
              b'"shape": [1000000000000, 1000000000000], "data": []}}}}\n')
NOT_AN_OBJECT = b'{"ok": true, "result": "not an object"}\n'
LOAD_NOT_AN_OBJECT = b'{"ok": true, "result": []}\n'

# check id -> the forgery (or the hostile value) it meets; every one must be the student's `error`
FORGED_CHECKS = {
    "mse.forward": "MSE.forward returns the Python int 10**400",
    "mse.backward": "MSE.backward writes a reply nested 100,000 deep",
    "linear.forward": "Linear.forward writes a tensor of shape (10**12, 10**12) with no data",
    "descent.manual": "descente writes a reply whose result is a string",
}


def forging_submission(tmp_path: Path, name: str = "forger") -> Path:
    """A copy of reference/ whose functions forge the replies of :data:`FORGED_CHECKS`."""
    folder = mutate(
        tmp_path, name,
        tp1=[(HEAD, FORGER + HEAD),
             ("        return ((yhat - y) ** 2).sum() / q\n",
              "        if tuple(yhat.shape) == (5, 1):\n            return 10 ** 400\n"
              "        return ((yhat - y) ** 2).sum() / q\n"),
             ("        yhat, y = ctx.saved_tensors\n        q = yhat.shape[0]\n",
              f"        yhat, y = ctx.saved_tensors\n        q = yhat.shape[0]\n        _forge({DEEP!r})\n"),
             ("        return X @ W + b\n", f"        _forge({HUGE_SHAPE!r})\n        return X @ W + b\n")],
    )
    descente = folder / "tp1_descente.py"
    text = descente.read_text()
    head, sep, body = text.partition("def descente(")
    assert sep, "reference/tp1_descente.py defines descente"
    signature, colon, rest = body.partition(":\n")
    descente.write_text(f"{head}from tp1 import _forge\n\n\n{sep}{signature}{colon}"
                        f"    _forge({NOT_AN_OBJECT!r})\n{rest}")
    return folder


def forged_load_submission(tmp_path: Path, name: str = "load-forger") -> Path:
    """A copy of reference/ whose tp1.py, while being imported, answers the load request itself."""
    return mutate(tmp_path, name, tp1=[(HEAD, FORGER + f"_forge({LOAD_NOT_AN_OBJECT!r})\n" + HEAD)])
