"""Child side of the sandbox: runs inside the student's process.

This file is executed as a script (``python -I child.py ...``) so that the
student's process never has the ``grader`` package, the reference solution or
the comparison code on its path: it imports only the standard library, numpy
and torch. Everything it sends back is plain JSON (numbers, lists, strings);
the parent never unpickles anything and computes every verdict itself.

Protocol: one JSON object per line. Requests arrive on the file descriptor
given by ``--req``; replies leave on ``--resp``. A reply is either
``{"event": ...}`` (progress, e.g. which module is being imported) or the final
``{"ok": true, "result": ...}`` / ``{"ok": false, "error": {...}}``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import sys
import threading
import time
import traceback
import types

MAX_DEPTH = 8
MAX_ELEMENTS = 2_000_000


def _load_runtime(folder: str, file: str, name: str):
    """A student-side script (``script_run.py``) from the work folder, by path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, os.path.join(folder, file))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load_stubs(folder: str, name: str = "stubs"):
    """``stubs.py`` (the stand-ins for optional libraries) or another student-side script (``autograd_watch``) from
    ``folder``, the work folder, which holds a copy of every student-side script (this script's own folder is
    not visible to a process forked by the warm launcher)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"grader_student_{name}", os.path.join(folder, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- encoding

def _encode(value, depth=0):
    import torch
    import numpy as np

    if depth > MAX_DEPTH:
        return {"__object__": {"type": type(value).__name__, "repr": "<nested too deep>"}}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, torch.Tensor):
        plain = torch.Tensor.detach(value)
        if type(plain) is not torch.Tensor:
            plain = plain.as_subclass(torch.Tensor)
        info = {
            "dtype": str(plain.dtype).replace("torch.", ""),
            "shape": list(plain.shape),
            "type": type(value).__name__,
            "requires_grad": bool(value.requires_grad),
        }
        if plain.numel() > MAX_ELEMENTS:
            info["data"] = None
            info["truncated"] = True
        else:
            info["data"] = plain.reshape(-1).cpu().tolist()
        return {"__tensor__": info}
    if isinstance(value, np.ndarray):
        info = {"dtype": str(value.dtype), "shape": list(value.shape), "type": "ndarray",
                "requires_grad": False}
        info["data"] = value.reshape(-1).tolist() if value.size <= MAX_ELEMENTS else None
        return {"__tensor__": info}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return {"__seq__": {"kind": type(value).__name__,
                            "items": [_encode(v, depth + 1) for v in value[:100_000]]}}
    if isinstance(value, dict):
        return {"__dict__": {str(k): _encode(v, depth + 1) for k, v in list(value.items())[:1000]}}
    try:
        text = repr(value)[:200]
    except Exception:  # a student object whose repr raises
        text = "<unrepresentable>"
    return {"__object__": {"type": type(value).__name__, "repr": text}}


class Session:
    def __init__(self, submission: str, workdir: str):
        self.submission = submission
        self.workdir = workdir
        self.modules: dict[str, types.ModuleType] = {}
        self.handles: dict[int, object] = {}
        self.next_handle = 1
        self.not_again_hit: dict | None = None  # a stopped function called during the current request
        self.watch = None  # autograd_watch.py: autograd used inside the student's backward

    # ------------------------------------------------------------ decoding
    def decode(self, value):
        import torch
        import numpy as np

        if isinstance(value, list):
            return [self.decode(v) for v in value]
        if not isinstance(value, dict):
            return value
        if "__tensor__" in value:
            info = value["__tensor__"]
            t = torch.tensor(info["data"], dtype=getattr(torch, info["dtype"])).reshape(info["shape"])
            return t.requires_grad_(bool(info.get("requires_grad")))
        if "__npy__" in value:
            info = value["__npy__"]
            path = os.path.join(self.workdir, os.path.basename(info["file"]))
            t = torch.from_numpy(np.load(path, allow_pickle=False))
            return t.requires_grad_(bool(info.get("requires_grad")))
        if "__handle__" in value:
            return self.handles[value["__handle__"]]
        if "__seq__" in value:
            items = [self.decode(v) for v in value["__seq__"]["items"]]
            return tuple(items) if value["__seq__"]["kind"] == "tuple" else items
        return {k: self.decode(v) for k, v in value.items()}

    def keep(self, obj) -> int:
        handle = self.next_handle
        self.next_handle += 1
        self.handles[handle] = obj
        return handle

    def resolve(self, ref):
        module_name, _, rest = ref["path"].partition(".")
        obj = self.modules[module_name]
        for part in rest.split(".") if rest else []:
            obj = getattr(obj, part)
        return obj

    # ------------------------------------------------------------ operations
    def op_load(self, msg, emit):
        import torch  # paid here, not inside a student module's import

        _warm_up_autograd(torch)

        stand_ins = _load_stubs(self.workdir).install(self.submission, force=bool(msg.get("force_stand_ins")))
        self.stand_ins = stand_ins
        self.watch = _watch(self.workdir, self.submission)
        sys.path.insert(0, self.submission)
        results = {}
        for name in msg["modules"]:
            emit({"event": "importing", "module": name})
            start = time.perf_counter()
            entry = {"ok": True}
            try:
                module = importlib.import_module(name)
                self.modules[name] = module
                entry["names"] = {k: _kind(v) for k, v in vars(module).items() if not k.startswith("__")}
            except BaseException as exc:  # the student's import may raise anything, SystemExit too
                entry = {"ok": False, "error": _error(exc, self.submission)}
            entry["duration_s"] = time.perf_counter() - start
            results[name] = entry
        stopped = WATCH.stop_calls(msg.get("not_again") or [], self.submission, self.record_not_again)
        for stream in (sys.stdout, sys.stderr):  # what the import printed is in the files when the grader reads it
            try:
                stream.flush()
            except Exception:  # a student's replacement stream: its problem, not the load's
                pass
        if self.watch is not None:
            self.watch.learn(self.modules.values())
        return {"modules": results, "warnings": list(stand_ins.warnings), "not_again": stopped}

    def record_not_again(self, target: dict) -> None:
        if self.not_again_hit is None:
            self.not_again_hit = {"module": target.get("module"), "qualname": target.get("qualname")}

    def op_call(self, msg, emit):
        fn = self.resolve(msg["fn"])
        args = [self.decode(a) for a in msg.get("args", [])]
        kwargs = {k: self.decode(v) for k, v in msg.get("kwargs", {}).items()}
        _seed(msg.get("seed"))
        runs = self.watch.engine_runs if self.watch is not None else None
        value = fn(*args, **kwargs)
        reply = {"value": _encode(value) if msg.get("encode", True) else None}
        if runs is not None:  # how many backward passes the call ran (the training checks count steps)
            reply["backward_runs"] = self.watch.engine_runs - runs
        if msg.get("keep"):
            reply["handle"] = self.keep(value)
        return reply

    def op_script(self, msg, emit):
        """Run a lab file as ``__main__`` and return its recorded trajectory (``script_run.py``)."""
        runner = _load_runtime(self.workdir, "script_run.py", "grader_student_script_run")
        path = os.path.join(self.submission, os.path.basename(msg["file"]))
        _seed(msg.get("seed"))
        return {"value": _encode(runner.run(path, self.submission, self.stand_ins, _error))}

    def op_put(self, msg, emit):
        return {"handle": self.keep(self.decode(msg["value"]))}

    def op_integrity(self, msg, emit):
        """What autograd_watch.py saw: autograd asked to differentiate from inside a student backward."""
        if self.watch is None:
            return {"watching": False, "findings": []}
        return {"watching": True, "findings": list(self.watch.findings)}

    def op_grad(self, msg, emit):
        import torch

        outputs = self.decode(msg["outputs"])
        inputs = self.decode(msg["inputs"])
        grad_outputs = self.decode(msg["grad_outputs"])
        grads = torch.autograd.grad(outputs, inputs, grad_outputs, allow_unused=True, retain_graph=True)
        return {"value": _encode(list(grads))}


def _warm_up_autograd(torch) -> None:
    """Run a tiny custom Function once, so its lazy set-up is not billed to the first check."""

    class Double(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = torch.ones(2, 2, dtype=torch.float64, requires_grad=True)
    y = torch.zeros(2, 2, dtype=torch.float64, requires_grad=True)
    out = Double.apply(((x - y) ** 2).sum() / 2 + (x @ y + x[0]).sum())  # ~0.3 s the first time
    torch.autograd.grad(out, [x, y], torch.tensor(1.0, dtype=torch.float64))


def _watch(workdir: str, submission: str):
    """watch.py's recorder, hooks installed; None when it cannot be set up (then nothing is recorded)."""
    try:
        return _load_stubs(workdir, "autograd_watch").install(submission)
    except Exception:
        return None


def _kind(value) -> str:
    import torch

    if isinstance(value, type):
        try:
            if issubclass(value, torch.autograd.Function):
                return "autograd.Function"
        except TypeError:
            pass
        return "class"
    if isinstance(value, types.ModuleType):
        return "module"
    if callable(value):
        return "function"
    return type(value).__name__


def _seed(seed):
    if seed is None:
        return
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


def _error(exc: BaseException, submission: str) -> dict:
    frames = traceback.extract_tb(exc.__traceback__)
    student = [f for f in frames if f.filename.startswith(submission)]
    where = None
    if student:
        last = student[-1]
        where = f"{os.path.basename(last.filename)}:{last.lineno} in {last.name}"
    lines = [f"{os.path.basename(f.filename)}:{f.lineno} in {f.name}: {(f.line or '').strip()}"
             for f in student[-5:]]
    if isinstance(exc, SyntaxError) and str(exc.filename or "").startswith(submission) and exc.text:
        lines.append(f"{os.path.basename(exc.filename)}:{exc.lineno}: {exc.text.strip()[:300]}")  # the line itself
    try:
        message = str(exc)[:2000]
    except Exception:
        message = "<unprintable>"
    return {"type": type(exc).__name__, "message": message, "where": where, "traceback": lines}


def _no_breakpoint(*args, **kwargs) -> None:
    return None


def serve(req_fd: int, resp_fd: int, submission: str, workdir: str) -> None:
    """Answer requests until the parent closes the request pipe."""
    sys.argv = ["tp1.py"]
    # A breakpoint() left in a hand-in does nothing (PYTHONBREAKPOINT=0 is in the environment too, but
    # ``python -I`` ignores PYTHON* variables): there is no terminal, pdb would stop the call.
    sys.breakpointhook = _no_breakpoint
    os.chdir(submission)
    session = Session(os.path.realpath(submission), workdir)
    lock, main_thread = threading.Lock(), threading.get_ident()

    def emit(message: dict) -> None:
        data = (json.dumps(message, allow_nan=True) + "\n").encode("utf-8")
        view = memoryview(data)
        with lock:  # the reader thread answers `where` while the main thread may be replying
            while view:
                written = os.write(resp_fd, view)
                view = view[written:]

    def answer_where() -> None:
        emit({"event": "running", "frames": WATCH.running_frames(main_thread, session.submission)})

    for line in WATCH.Requests(os.fdopen(req_fd, "r", encoding="utf-8"), answer_where):
        msg = json.loads(line)
        op = getattr(session, "op_" + msg["op"])
        session.not_again_hit = None
        try:
            result = op(msg, emit)
            reply = {"ok": True, "result": result}
        except BaseException as exc:  # report SystemExit/KeyboardInterrupt from student code as errors
            reply = {"ok": False, "error": _error(exc, session.submission)}
        if session.not_again_hit is not None:  # even when the student's code caught NotAgain
            reply["not_again"] = session.not_again_hit
        try:
            emit(reply)
        except (TypeError, ValueError) as exc:  # e.g. a value json cannot encode
            emit({"ok": False, "error": {"type": "EncodingError", "message": str(exc)[:500],
                                         "where": None, "traceback": []}})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--req", type=int, required=True)
    parser.add_argument("--resp", type=int, required=True)
    parser.add_argument("--submission", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--limits", type=json.loads, default={})
    parser.add_argument("--drop-uid", type=int, default=None)
    parser.add_argument("--root", type=json.loads, default=None)  # unshare level: the whitelisted root
    opts = parser.parse_args()
    load_confine().confine(opts.root, opts.drop_uid, opts.limits)
    serve(opts.req, opts.resp, opts.submission, opts.workdir)


def load_confine():
    """``confine.py`` from this script's folder (``-I`` keeps that folder off ``sys.path``)."""
    return _sibling("grader_student_confine", "confine.py")


def _sibling(name: str, file: str):
    import importlib.util

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), file)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# watch.py: which function is running, and stopping functions that already hung. Loaded now, while this
# script's folder is visible (a process forked by the warm launcher no longer sees it).
WATCH = _sibling("grader_student_watch", "watch.py")


if __name__ == "__main__":
    main()
