"""Run a script-style lab file as ``__main__`` and record its gradient-descent trajectory (student side).

Standalone (standard library and torch only): ``child.py`` loads it by path from the work folder, like
``stubs.py``, for the ``script`` request. Runs in the student's process; everything it returns is plain
data (numbers, lists, tensors encoded as numbers by ``child.py``), judged by the grader.

What is recorded, whatever the student named things:

- every call of a ``forward`` defined in the submission whose qualified name contains ``linear``
  (``Linear.forward``, ``LinearFunction.forward``; direct call or through ``.apply``): its ``x``,
  ``w``, ``b`` arguments (the parameters at that moment), found with ``sys.setprofile``, so names
  do not matter;
- every call of a ``forward`` whose qualified name contains ``mse``: its target ``y``;
- every scalar the script logs through the grader's ``SummaryWriter`` stand-in (whatever the writer
  is called), with the iteration it was logged at; when the script never calls ``Linear.forward``,
  the calling frame's tensors named like ``w``/``b``/``x``/``y`` are sampled there instead;
- the numbers (ints and floats) of the frame that called ``Linear.forward`` the first time and of
  the script's globals at the end: the grader looks for epsilon among them;
- the exception the script raised, if any, and at which recorded iteration.
"""

from __future__ import annotations

import os
import sys
import types

MAX_STEPS = 2000  # parameter states kept (then only the last one is replaced)
MAX_ELEMENTS = 200_000  # a tensor larger than this is not recorded
MAX_NUMBERS = 200
MAX_LOGGED = 5000
MAX_NUMBERS_KEPT = 1_000_000  # numbers of all states kept (a reply is at most 64 MB of JSON)
W_NAMES = ("w", "W", "weight", "weights", "poids", "theta", "w1", "W1")
B_NAMES = ("b", "B", "bias", "biais", "b1")
X_NAMES = ("x", "X", "x_train", "X_train", "inputs", "data")
Y_NAMES = ("y", "Y", "y_train", "Y_train", "targets", "target", "labels")


def _plain(t):
    """A detached plain-tensor copy, or None when ``t`` is not a small tensor."""
    import torch

    if not isinstance(t, torch.Tensor) or t.numel() > MAX_ELEMENTS:
        return None
    plain = torch.Tensor.detach(t)
    if type(plain) is not torch.Tensor:
        plain = plain.as_subclass(torch.Tensor)
    return plain.clone()


def _numbers(mapping) -> dict:
    out = {}
    for name, value in list(mapping.items()):
        if len(out) >= MAX_NUMBERS:
            break
        if isinstance(name, str) and not name.startswith("_") and type(value) in (int, float):
            out[name] = float(value)
    return out


class Recorder:
    """The calls seen, in *segments*: consecutive ``Linear.forward`` calls on the same ``x`` (a gradcheck
    on other data before the loop, or an evaluation after it, makes segments of its own); a segment of one
    call is dropped when the next begins (only counted)."""

    def __init__(self, submission: str):
        self.submission = submission
        self.segments: list[dict] = []
        self.calls = 0  # Linear.forward calls, all of them
        self.dropped = 0  # one-call segments dropped
        self.logged: list[list] = []
        self.scope: dict = {}
        self.sampled = False  # parameters sampled from a frame at add_scalar (no Linear.forward seen)
        self.kept = 0  # numbers of the states kept
        self.cell = None  # the notebook cell running (a notebook run as a script)

    def enter_cell(self, number) -> None:
        self.cell = number if type(number) is int else None

    def _mine(self, filename: str) -> bool:
        return filename.startswith(self.submission + os.sep)

    def profile(self, frame, event, arg):
        if event != "call":
            return
        code = frame.f_code
        if code.co_name != "forward" or not self._mine(code.co_filename):
            return
        try:
            qual = getattr(code, "co_qualname", code.co_name).lower()
            args = [frame.f_locals.get(n) for n in code.co_varnames[:code.co_argcount]]
            if "linear" in qual and len(args) >= 4:
                self.linear(args[1], args[2], args[3], frame)
            elif "mse" in qual and len(args) >= 3 and self.segments and self.segments[-1]["y"] is None:
                self.segments[-1]["y"] = _plain(args[2])
                self.segments[-1]["yhat"] = _plain(args[1])  # the grader checks which one is the target
        except Exception:  # recording must never change what the student's code does
            pass

    def linear(self, x, w, b, frame) -> None:
        if getattr(x, "dim", None) and getattr(w, "dim", None) and x.dim() == 2 and w.dim() == 2 \
                and x.shape[1] != w.shape[0] and w.shape[1] == x.shape[0]:
            x, w = w, x  # Linear.forward(ctx, W, X, b)
        self.calls += 1
        if self.calls == 1:
            self._scope_of(frame.f_back)
        self._segment_for(x)
        self._state(w, b)

    def _segment_for(self, x) -> None:
        """Make the segment of ``x`` the current one: one of the last few (a loop that alternates a train and a
        test ``x`` keeps two segments), else a new one; one-call segments are dropped past a few."""
        import torch

        for i in range(len(self.segments) - 1, max(-1, len(self.segments) - 5), -1):
            current = self.segments[i]["x"]
            if current is not None and isinstance(x, torch.Tensor) and x.shape == current.shape and torch.equal(
                    torch.Tensor.detach(x).to(current.dtype), current):
                self.segments.append(self.segments.pop(i))
                return
        if len(self.segments) >= 8:
            for seg in [seg for seg in self.segments if seg["calls"] <= 1]:
                self.segments.remove(seg)
                self.kept -= sum(w.numel() + b.numel() for w, b in seg["states"])
                self.dropped += 1
        self.segments.append({"x": _plain(x), "y": None, "yhat": None, "states": [], "calls": 0,
                              "first_call": self.calls,
                              "cell": self.cell})

    def _state(self, w, b) -> None:
        segment = self.segments[-1]
        segment["calls"] += 1
        segment["cell"] = self.cell  # the cell of its last call
        w, b = _plain(w), _plain(b)
        if w is None or b is None:
            return
        size = w.numel() + b.numel()
        if len(segment["states"]) < MAX_STEPS and self.kept + size <= MAX_NUMBERS_KEPT:
            segment["states"].append((w, b))
            self.kept += size
        elif segment["states"]:
            segment["states"][-1] = (w, b)

    def _scope_of(self, frame) -> None:
        while frame is not None and self._mine(frame.f_code.co_filename):
            for name, value in _numbers(frame.f_locals).items():
                self.scope.setdefault(name, value)
            frame = frame.f_back

    def scalar(self, tag, value, step) -> None:
        """One scalar the student logged through the SummaryWriter stand-in."""
        try:
            number = float(value.item() if hasattr(value, "item") else value)
        except Exception:
            number = None
        if len(self.logged) < MAX_LOGGED:
            self.logged.append([str(tag)[:100], number, step if type(step) is int else None, self.calls])
        if self.calls == 0:
            self._sample(sys._getframe(2))

    def _sample(self, frame) -> None:
        """No Linear.forward seen: the parameters from the logging frame's variables, by name."""
        while frame is not None and not self._mine(frame.f_code.co_filename):
            frame = frame.f_back
        if frame is None:
            return
        found = _by_name(frame.f_locals)
        if "w" in found and "b" in found and "x" in found:
            self.sampled = True
            self._segment_for(found["x"])
            self._state(found["w"], found["b"])
            if "y" in found and self.segments[-1]["y"] is None:
                self.segments[-1]["y"] = _plain(found["y"])
            if not self.scope:
                self._scope_of(frame)


def _by_name(mapping) -> dict:
    import torch

    found = {}
    for key, names in (("w", W_NAMES), ("b", B_NAMES), ("x", X_NAMES), ("y", Y_NAMES)):
        for name in names:
            if isinstance(mapping.get(name), torch.Tensor):
                found[key] = mapping[name]
                break
    return found


def run(path: str, submission: str, stand_ins, describe_error) -> dict:
    """Execute ``path`` as ``__main__`` with the submission's imports; the recording, as plain data."""
    with open(path, encoding="utf-8", errors="replace") as f:
        source = f.read()
    recorder = Recorder(submission)
    module = types.ModuleType("__main__")
    module.__file__ = path
    module.__dict__["__builtins__"] = stand_ins.builtins
    module.__dict__["_grader_cell"] = recorder.enter_cell  # called by a notebook's cell runner (notebook.py)
    writer = stand_ins.libs().SummaryWriter
    saved_scalar, saved_main = writer.__dict__.get("_scalar"), sys.modules.get("__main__")
    writer._scalar = lambda self, tag, value, step, walltime: recorder.scalar(tag, value, step)
    sys.modules["__main__"] = module
    error = None
    sys.setprofile(recorder.profile)
    try:
        exec(compile(source, path, "exec"), module.__dict__)
    except SystemExit as exc:
        if exc.code not in (None, 0):
            error = describe_error(exc, submission)
    except BaseException as exc:  # the student's script may raise anything
        error = describe_error(exc, submission)
        if isinstance(exc, SyntaxError) and exc.filename:  # compile errors have no frame of the student's
            error["where"] = f"{os.path.basename(str(exc.filename))}:{exc.lineno}"
    finally:
        sys.setprofile(None)
        sys.modules["__main__"] = saved_main
        if saved_scalar is not None:
            writer._scalar = saved_scalar
    final = _by_name(module.__dict__)
    scope = {**_numbers(module.__dict__), **recorder.scope}
    kept = recorder.segments
    if kept:  # the loop (the most calls) and the last segment (where a crash happened): a bounded reply
        loop = max(kept, key=lambda seg: seg["calls"])
        kept = [seg for seg in kept if seg is loop or seg is kept[-1]]
    segments = [{"x": seg["x"], "y": seg["y"], "yhat": seg["yhat"], "states": [list(st) for st in seg["states"]], "calls": seg["calls"],
                 "first_call": seg["first_call"], "cell": seg["cell"]} for seg in kept]
    return {"segments": segments, "calls": recorder.calls, "dropped": recorder.dropped,
            "logged": recorder.logged, "numbers": scope, "sampled": recorder.sampled,
            "final": {k: _plain(v) for k, v in final.items()}, "error": error,
            "error_cell": recorder.cell if error is not None else None}
