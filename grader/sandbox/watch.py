"""Student side of "which function is running" and "not again" (parent side: ``grader/sandbox/running.py``).

Loaded by ``child.py`` inside the student's process; imports only the standard library.

- :class:`Requests` reads the request pipe in a thread of its own and hands requests to the main thread, except
  ``where``, which it answers at once, while the main thread may be stuck in the student's code:
  :func:`running_frames` samples the main thread's stack three times, 250 ms apart, and reports the student's
  frames present in every sample (a function that has been running the whole time), innermost first.
- :func:`stop_calls` replaces functions that already hung (or crashed the process) in an earlier check by
  one that raises :class:`NotAgain` at once, wherever the student's modules refer to them, and records the
  call, so that a later check that calls one of them is skipped instead of waiting for its limit again.
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
import time
import types

SAMPLES, SAMPLE_GAP_S, MAX_FRAMES = 3, 0.25, 10


class NotAgain(BaseException):
    """Raised by a stopped function (a BaseException: ``except Exception`` in the student's code lets it pass)."""


class Requests:
    """Iterates over the request lines; ``where`` requests are answered by ``answer_where`` in the reader thread."""

    def __init__(self, stream, answer_where):
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._answer_where = answer_where
        threading.Thread(target=self._read, args=(stream,), name="grader-requests", daemon=True).start()

    def _read(self, stream) -> None:
        try:
            for line in stream:
                if _op(line) == "where":
                    try:
                        self._answer_where()
                    except Exception:  # the answer is a courtesy: never let it stop the requests
                        pass
                else:
                    self._queue.put(line)
        finally:
            self._queue.put(None)

    def __iter__(self):
        while (line := self._queue.get()) is not None:
            yield line


def _op(line: str):
    """``"where"`` for the grader's ``{"op": "where"}`` line (written exactly so by ``running.py``), else None:
    other requests are parsed once, by the main thread."""
    return "where" if line.strip() == WHERE else None


WHERE = json.dumps({"op": "where"})


def running_frames(thread_id: int, submission: str) -> list[dict]:
    """The student's frames of thread ``thread_id`` that stayed the same over the samples, innermost first."""
    samples = []
    for i in range(SAMPLES):
        if i:
            time.sleep(SAMPLE_GAP_S)
        frame, chain = sys._current_frames().get(thread_id), []
        while frame is not None:
            chain.append(frame)
            frame = frame.f_back
        samples.append(chain[::-1])
    common = []
    for frames in zip(*samples):
        if any(f is not frames[0] for f in frames):
            break
        common.append(frames[0])
    prefix = submission.rstrip(os.sep) + os.sep
    records = [_record(f, prefix) for f in reversed(common) if f.f_code.co_filename.startswith(prefix)]
    return records[:MAX_FRAMES]


def _record(frame, prefix: str) -> dict:
    relative = frame.f_code.co_filename[len(prefix):]
    module = relative[:-3].replace(os.sep, ".") if relative.endswith(".py") else relative
    return {"module": module, "qualname": frame.f_code.co_qualname, "file": relative, "line": frame.f_lineno}


def stop_calls(targets: list, submission: str, on_call) -> list[dict]:
    """Replace each ``{"module", "qualname"}`` of ``targets`` found in the student's modules; returns those
    replaced. ``on_call(target)`` is called when a replaced function is called, before it raises."""
    modules = _student_modules(submission)
    done = []
    for target in targets:
        module = modules.get(target.get("module"))
        function = _resolve(module, str(target.get("qualname", ""))) if module is not None else None
        if function is None:
            continue
        stopper = _stopper(function, target, on_call)
        for owner in [*modules.values(), *_classes(modules)]:
            _replace_in(owner, function, stopper)
        done.append(target)
    return done


def _student_modules(submission: str) -> dict:
    prefix = submission.rstrip(os.sep) + os.sep
    return {name: m for name, m in list(sys.modules.items())
            if isinstance(getattr(m, "__file__", None), str) and m.__file__.startswith(prefix)}


def _classes(modules: dict) -> list:
    names = set(modules)
    return [v for m in modules.values() for v in list(vars(m).values())
            if isinstance(v, type) and getattr(v, "__module__", None) in names]


def _resolve(module, qualname: str):
    """The function at ``qualname`` in ``module`` (methods and static methods of its classes too)."""
    owner = module
    for part in qualname.split("."):
        raw = vars(owner).get(part) if isinstance(owner, (type, types.ModuleType)) else None
        if isinstance(raw, (staticmethod, classmethod)):
            raw = raw.__func__
        if raw is None:
            return None
        owner = raw
    return owner if isinstance(owner, types.FunctionType) else None


def _stopper(function, target: dict, on_call):
    def stopped(*args, **kwargs):
        on_call(target)
        raise NotAgain(f"{target.get('qualname')} did not return in an earlier check: not called again")

    stopped.__name__, stopped.__qualname__ = function.__name__, function.__qualname__
    return stopped


def _replace_in(owner, function, stopper) -> None:
    for key, value in list(vars(owner).items()):
        new = None
        if value is function:
            new = stopper
        elif isinstance(value, staticmethod) and value.__func__ is function:
            new = staticmethod(stopper)
        elif isinstance(value, classmethod) and value.__func__ is function:
            new = classmethod(stopper)
        if new is not None:
            try:
                setattr(owner, key, new)
            except (AttributeError, TypeError):  # a class that refuses: that call may hang again
                pass
