"""The proxy that checks use to call the student's code in its own process.

``student.call("tp1.MSE.forward", ctx, yhat, y)`` sends the tensors as plain
numbers, runs the call in the student process and returns what came back,
rebuilt here as plain ``torch.Tensor`` objects from numbers (a tensor subclass
or a lying ``__eq__`` cannot cross the boundary). Objects that must stay in
the student process (a ``Context``, an autograd graph) are kept there and
referred to by :class:`Handle`.

Every reply is hostile until decoded: :func:`decode` accepts only the shapes
the child writes, at most ``MAX_DEPTH`` levels deep, integers within int64,
tensors whose dtype, shape and data agree (at most ``MAX_DIMS`` dimensions of
at most ``MAX_DIM`` each), and raises
:class:`~grader.sandbox.errors.StudentProtocolError` (the student's ``error``)
for anything else; the process is then killed, as its next reply could answer
the wrong request.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import torch

from grader.sandbox.errors import Doing, StudentCrash, StudentProtocolError, StudentTimeout
from grader.sandbox.session import StudentSession
from grader.text import bounded

DTYPES = {"float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool"}
MAX_DEPTH = 32  # the child encodes at most 8 levels of containers; each may take two levels here
MAX_DIMS = 32
MAX_DIM = 2**31
INT_RANGE = (-(2**63), 2**63 - 1)  # what torch (and a float64 comparison) can take
MAX_HANDLE = 2**62


MAX_BACKWARD_RUNS = 10**9


def backward_runs(reply: dict[str, Any]) -> int | None:
    """The reply's ``backward_runs`` when it is a plausible count (an int from 0 to :data:`MAX_BACKWARD_RUNS`)."""
    runs = reply.get("backward_runs")
    return runs if type(runs) is int and 0 <= runs <= MAX_BACKWARD_RUNS else None


@dataclass(frozen=True)
class Handle:
    """An object that lives in the student's process."""

    id: int
    description: str = ""


@dataclass(frozen=True)
class Opaque:
    """A value that is neither a number, a tensor nor a container (e.g. an object)."""

    type: str
    repr: str


@dataclass(frozen=True)
class NpyFile:
    """A tensor the grader wrote to the work folder as ``.npy`` (large data, e.g. the dataset)."""

    file: str
    requires_grad: bool = False


def encode(value: Any) -> Any:
    if isinstance(value, Handle):
        return {"__handle__": value.id}
    if isinstance(value, NpyFile):
        return {"__npy__": {"file": value.file, "requires_grad": value.requires_grad}}
    if isinstance(value, torch.Tensor):
        t = value.detach()
        return {"__tensor__": {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
                               "data": t.reshape(-1).tolist(), "requires_grad": value.requires_grad}}
    if isinstance(value, tuple):
        return {"__seq__": {"kind": "tuple", "items": [encode(v) for v in value]}}
    if isinstance(value, list):
        return [encode(v) for v in value]
    return value


def decode(value: Any, depth: int = 0) -> Any:
    """Rebuild a reply strictly; anything malformed is the student process's fault."""
    if isinstance(value, int) and not isinstance(value, bool):
        if not INT_RANGE[0] <= value <= INT_RANGE[1]:
            raise StudentProtocolError(f"an integer out of range (about {int(value.bit_length() * 0.30103) + 1} "
                                       "digits; at most 19 fit in 64 bits)")
        return value
    if value is None or isinstance(value, (bool, float, str)):
        return value
    if depth >= MAX_DEPTH:
        raise StudentProtocolError(f"a value nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, list):
        return [decode(v, depth + 1) for v in value]
    if not isinstance(value, dict) or len(value) != 1:
        raise StudentProtocolError("a value of no known kind")
    (kind, body), = value.items()
    if kind == "__tensor__":
        return _decode_tensor(body)
    if kind == "__seq__" and isinstance(body, dict) and isinstance(body.get("items"), list):
        items = [decode(v, depth + 1) for v in body["items"]]
        return tuple(items) if body.get("kind") == "tuple" else items
    if kind == "__dict__" and isinstance(body, dict):
        return {k: decode(v, depth + 1) for k, v in body.items()}  # JSON keys are strings
    if kind == "__object__" and isinstance(body, dict):
        return Opaque(bounded(body.get("type"), 100, "?"), bounded(body.get("repr"), 200))
    raise StudentProtocolError(f"a value of unknown kind {bounded(kind, 40)!r}")


def _decode_tensor(body: Any) -> torch.Tensor | Opaque:
    if not isinstance(body, dict) or body.get("dtype") not in DTYPES or not isinstance(body.get("shape"), list):
        raise StudentProtocolError("a tensor without a known dtype and a shape")
    shape = body["shape"]
    if len(shape) > MAX_DIMS or not all(type(n) is int and 0 <= n <= MAX_DIM for n in shape):
        raise StudentProtocolError(f"a tensor shape that is not at most {MAX_DIMS} sizes from 0 to {MAX_DIM}")
    data = body.get("data")
    if data is None:
        return Opaque("Tensor", f"tensor of shape {tuple(shape)} (too large to transfer)")
    if not isinstance(data, list) or len(data) != math.prod(shape):
        raise StudentProtocolError(f"a tensor whose data does not have the {math.prod(shape)} elements of its shape")
    if not all(type(x) in (float, int, bool) for x in data):  # the exact types: no subclass from json hooks
        raise StudentProtocolError("a tensor holding something other than numbers")
    try:
        return torch.tensor(data, dtype=getattr(torch, body["dtype"])).reshape(shape)
    except (RuntimeError, ValueError, TypeError, OverflowError) as exc:  # e.g. 10**400, nan in an int64 tensor
        raise StudentProtocolError(f"a tensor torch cannot build ({bounded(str(exc), 200)})") from None


class Student:
    """What a check sees of the student: calls with a deadline, into the student process."""

    def __init__(self, session: StudentSession, limit_s: float):
        self._session = session
        self.limit_s = limit_s
        self.deadline = time.monotonic() + limit_s

    def _request(self, op: str, payload: dict, doing: Doing) -> dict[str, Any]:
        process = self._session.process
        if process is None or not process.alive:
            raise StudentCrash("the student process is not running")
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            remaining = 0.0
        try:
            reply = process.request(op, payload, remaining, doing=doing)
        except StudentTimeout as exc:  # name the check's own limit, not what was left of it
            raise StudentTimeout(self.limit_s, doing, exc.running) from None
        if not isinstance(reply, dict):
            raise self._refuse(f"a reply to the {op} request that is not an object")
        return reply

    def _refuse(self, reason: str) -> StudentProtocolError:
        """Kill the process (its next reply could answer the wrong request); the error to raise."""
        process = self._session.process
        if process is not None:
            process.kill()
        return StudentProtocolError(reason)

    def _value(self, reply: dict[str, Any]) -> Any:
        try:
            return decode(reply.get("value"))
        except StudentProtocolError as exc:
            raise self._refuse(exc.reason) from None

    def _handle(self, reply: dict[str, Any], description: str) -> Handle:
        handle = reply.get("handle")
        if type(handle) is not int or not 0 < handle <= MAX_HANDLE:
            raise self._refuse("a reply without a valid handle")
        return Handle(handle, description)

    def call(self, path: str, *args: Any, seed: int | None = None) -> Any:
        """Call ``module.attr...`` in the student process and return its value."""
        return self.call_counted(path, *args, seed=seed)[0]

    def call_counted(self, path: str, *args: Any, seed: int | None = None) -> tuple[Any, int | None]:
        """Like :meth:`call`, and how many backward passes the autograd engine ran during the call, as the student
        process counted them (``autograd_watch.py``): None when it did not count or said something else than a
        plausible count. Hostile data: the training checks only ever use it to fail a loop, never to pass one."""
        reply = self._request("call", {"fn": {"path": self._session.resolve(path)}, "args": [encode(a) for a in args],
                                       "seed": seed}, doing=_calling(self._session.resolve(path)))
        return self._value(reply), backward_runs(reply)

    def call_keep(self, path: str, *args: Any, seed: int | None = None) -> tuple[Any, Handle]:
        """Like :meth:`call` but the result also stays in the student process as a handle."""
        reply = self._request("call", {"fn": {"path": self._session.resolve(path)}, "args": [encode(a) for a in args],
                                       "seed": seed, "keep": True}, doing=_calling(self._session.resolve(path)))
        return self._value(reply), self._handle(reply, _short(path))

    def new(self, path: str, *args: Any) -> Handle:
        """Create an object (e.g. ``tp1.Context``) that stays in the student process."""
        resolved = self._session.resolve(path)
        reply = self._request("call", {"fn": {"path": resolved}, "args": [encode(a) for a in args],
                                       "keep": True, "encode": False}, doing=Doing("creating", f"{_short(path)}()", resolved))
        return self._handle(reply, _short(path))

    def run_script(self, file: str, seed: int | None = None) -> Any:
        """Run the lab file ``file`` as ``__main__``; what it recorded (``script_run.py``), decoded strictly."""
        reply = self._request("script", {"file": file, "seed": seed}, doing=Doing("script", file))
        return self._value(reply)

    def put(self, value: torch.Tensor) -> Handle:
        reply = self._request("put", {"value": encode(value)}, doing=Doing("sending"))
        return self._handle(reply, "tensor")

    def integrity(self, limit_s: float = 5.0) -> Any:
        """What the student process recorded about its own backward (``watch.py``), undecoded: the caller
        (:mod:`grader.integrity.autograd`) checks it field by field. Asked after a check, with its own
        ``limit_s`` (a check that used its whole time limit still gets its record read)."""
        process = self._session.process
        if process is None or not process.alive:
            raise StudentCrash("the student process is not running")
        return process.request("integrity", {}, limit_s, doing="reading what autograd was asked")

    def grad(self, outputs: Handle, inputs: list[Handle], grad_outputs: torch.Tensor) -> list[Any]:
        """``torch.autograd.grad`` in the student process (the engine path of ``.apply``)."""
        reply = self._request("grad", {"outputs": encode(outputs), "inputs": [encode(h) for h in inputs],
                                       "grad_outputs": encode(grad_outputs)}, doing=Doing("backward"))
        grads = self._value(reply)
        if not (isinstance(grads, list) and len(grads) == len(inputs)
                and all(g is None or isinstance(g, torch.Tensor) for g in grads)):
            raise self._refuse("a reply to the grad request that is not one gradient (or None) per input")
        return grads


def _calling(path: str) -> Doing:
    return Doing("calling", _short(path), path)


def _short(path: str) -> str:
    """``tp1.MSE.forward`` -> ``MSE.forward`` for messages."""
    module, _, rest = path.partition(".")
    return rest or module
