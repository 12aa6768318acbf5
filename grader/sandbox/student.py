"""The proxy that checks use to call the student's code in its own process.

``student.call("tp1.MSE.forward", ctx, yhat, y)`` sends the tensors as plain
numbers, runs the call in the student process and returns what came back,
rebuilt here as plain ``torch.Tensor`` objects from numbers (a tensor subclass
or a lying ``__eq__`` cannot cross the boundary). Objects that must stay in
the student process (a ``Context``, an autograd graph) are kept there and
referred to by :class:`Handle`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import torch

from grader.sandbox.errors import StudentCrash, StudentTimeout
from grader.sandbox.session import StudentSession

DTYPES = {"float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool"}


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


def decode(value: Any) -> Any:
    """Rebuild a reply strictly; anything malformed is the student process's fault."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict) or len(value) != 1:
        raise StudentCrash("the student process sent a malformed value")
    (kind, body), = value.items()
    if kind == "__tensor__":
        return _decode_tensor(body)
    if kind == "__seq__" and isinstance(body, dict) and isinstance(body.get("items"), list):
        items = [decode(v) for v in body["items"]]
        return tuple(items) if body.get("kind") == "tuple" else items
    if kind == "__dict__" and isinstance(body, dict):
        return {str(k): decode(v) for k, v in body.items()}
    if kind == "__object__" and isinstance(body, dict):
        return Opaque(str(body.get("type", "?")), str(body.get("repr", ""))[:200])
    raise StudentCrash("the student process sent a malformed value")


def _decode_tensor(body: Any) -> torch.Tensor | Opaque:
    if not isinstance(body, dict) or body.get("dtype") not in DTYPES or not isinstance(body.get("shape"), list):
        raise StudentCrash("the student process sent a malformed tensor")
    shape = body["shape"]
    if not all(isinstance(n, int) and n >= 0 for n in shape):
        raise StudentCrash("the student process sent a malformed tensor shape")
    data = body.get("data")
    if data is None:
        return Opaque("Tensor", f"tensor of shape {tuple(shape)} (too large to transfer)")
    if not isinstance(data, list) or len(data) != math.prod(shape) or \
            not all(isinstance(x, (int, float, bool)) for x in data):
        raise StudentCrash("the student process sent a malformed tensor")
    dtype = getattr(torch, body["dtype"])
    return torch.tensor(data, dtype=dtype).reshape(shape)


class Student:
    """What a check sees of the student: calls with a deadline, into the student process."""

    def __init__(self, session: StudentSession, limit_s: float):
        self._session = session
        self.limit_s = limit_s
        self.deadline = time.monotonic() + limit_s

    def _request(self, op: str, payload: dict, doing: str) -> Any:
        process = self._session.process
        if process is None or not process.alive:
            raise StudentCrash("the student process is not running")
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            remaining = 0.0
        try:
            return process.request(op, payload, remaining, doing=doing)
        except StudentTimeout:  # name the check's own limit, not what was left of it
            raise StudentTimeout(self.limit_s, doing) from None

    def call(self, path: str, *args: Any, seed: int | None = None) -> Any:
        """Call ``module.attr...`` in the student process and return its value."""
        reply = self._request("call", {"fn": {"path": path}, "args": [encode(a) for a in args],
                                       "seed": seed}, doing=f"calling {_short(path)}")
        return decode(reply.get("value") if isinstance(reply, dict) else None)

    def call_keep(self, path: str, *args: Any, seed: int | None = None) -> tuple[Any, Handle]:
        """Like :meth:`call` but the result also stays in the student process as a handle."""
        reply = self._request("call", {"fn": {"path": path}, "args": [encode(a) for a in args], "seed": seed,
                                       "keep": True}, doing=f"calling {_short(path)}")
        return decode(reply.get("value")), Handle(int(reply["handle"]), _short(path))

    def new(self, path: str, *args: Any) -> Handle:
        """Create an object (e.g. ``tp1.Context``) that stays in the student process."""
        reply = self._request("call", {"fn": {"path": path}, "args": [encode(a) for a in args],
                                       "keep": True, "encode": False}, doing=f"creating {_short(path)}()")
        return Handle(int(reply["handle"]), _short(path))

    def put(self, value: torch.Tensor) -> Handle:
        reply = self._request("put", {"value": encode(value)}, doing="sending a tensor")
        return Handle(int(reply["handle"]), "tensor")

    def grad(self, outputs: Handle, inputs: list[Handle], grad_outputs: torch.Tensor) -> list[Any]:
        """``torch.autograd.grad`` in the student process (the engine path of ``.apply``)."""
        reply = self._request("grad", {"outputs": encode(outputs), "inputs": [encode(h) for h in inputs],
                                       "grad_outputs": encode(grad_outputs)}, doing="running backward")
        return decode(reply.get("value"))


def _short(path: str) -> str:
    """``tp1.MSE.forward`` -> ``MSE.forward`` for messages."""
    module, _, rest = path.partition(".")
    return rest or module
