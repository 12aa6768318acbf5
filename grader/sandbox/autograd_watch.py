"""Student side: notice autograd used *inside* the student's own ``backward``.

Runs in the student process (copied next to ``child.py``, which loads it; it imports only the
standard library and torch). The lab asks for a hand-written ``backward``; a ``backward`` that
re-runs the forward under ``torch.enable_grad()`` and asks autograd for the gradient gets every
backward and gradcheck point without writing a derivative. This module records, as plain data,
each time autograd is asked to differentiate while a student ``backward`` is on the call stack:

- the autograd engine (``Variable._execution_engine``), through which ``torch.autograd.grad``,
  ``Tensor.backward``, ``torch.autograd.backward``, ``torch.autograd.functional.*`` and the
  reverse-mode ``torch.func`` transforms (``grad``, ``vjp``, ``jacrev``, ``hessian``) all go,
  whatever name the student imported them under;
- functorch's transform levels (``torch.func.grad``/``vjp``/``jacrev`` and the forward-mode
  ``jvp``/``jacfwd``, which never reach the engine);
- forward-mode AD levels (``torch.autograd.forward_ad.dual_level``).

It is the call stack, not the source, that decides: the grader's own gradcheck makes autograd call
the student's ``backward`` (the engine is then running *below* that ``backward``, which is
fine); only a differentiation started *from* a frame of the student's ``backward`` (or a helper
it calls) is recorded. The parent reads the records with the ``integrity`` request and decides.
A student who deliberately unpatches these hooks is not caught (docs/checks.md says so).
"""

from __future__ import annotations

import os
import sys
import threading

MAX_FINDINGS = 20
METHODS = ("backward", "vjp")


class Watch:
    def __init__(self, submission: str):
        self.submission = submission.rstrip(os.sep) + os.sep
        self.findings: list[dict] = []
        self.watched: dict[object, str] = {}  # code object of a student backward -> "MSE.backward"
        self.modules: list = []
        self.busy = False
        self.engine_runs = 0  # backward passes the autograd engine ran (loss.backward(), autograd.grad): a count
        # The grader's own threads (the request reader), running before any student code: known by their ids,
        # not by a name, which the student's code could give its own threads (or the main thread).
        self.grader_threads = {t.ident for t in threading.enumerate() if t is not threading.main_thread()}

    # ------------------------------------------------------------ what counts as the student's backward
    def learn(self, modules) -> None:
        """Remember the student's modules; their autograd.Function subclasses' backward are watched."""
        self.modules = list(modules)
        self._refresh()

    def _refresh(self) -> None:
        import torch

        watched = {}
        seen = set()
        for module in self.modules:  # public names first: MSE, not a private base class it inherits from
            items = sorted(list(vars(module).items()), key=lambda item: item[0].startswith("_"))
            for name, obj in items:
                if isinstance(obj, type) and _is_function(obj, torch) and id(obj) not in seen:
                    seen.add(id(obj))
                    self._add(watched, obj, name)
        stack = list(torch.autograd.Function.__subclasses__())
        while stack:  # classes defined elsewhere (a helper file, a function): their own name
            cls = stack.pop()
            stack.extend(cls.__subclasses__())
            if id(cls) not in seen:
                seen.add(id(cls))
                self._add(watched, cls, cls.__name__)
        self.watched = watched

    def _add(self, watched: dict, cls, name: str) -> None:
        for method in METHODS:
            try:
                fn = getattr(cls, method)  # inherited from a student base class too
            except Exception:
                continue
            code = getattr(getattr(fn, "__func__", fn), "__code__", None)
            if code is not None and self._is_student(code):
                watched.setdefault(code, f"{name}.{method}")

    def _is_student(self, code) -> bool:
        return code.co_filename.startswith(self.submission)

    # ------------------------------------------------------------ recording
    def record(self, via: str, depth: int = 2) -> None:
        """Called by a hook: record it if a student backward is on the stack above the caller."""
        if self.busy or len(self.findings) >= MAX_FINDINGS:
            return
        self.busy = True
        try:
            frame = sys._getframe(depth)
            finding = self._inspect(frame, via)
            if finding is None:
                finding = self._other_threads(frame, via)
            if finding is not None and finding not in self.findings:
                self.findings.append(finding)
        except Exception:  # never break the student's code because of the watch
            pass
        finally:
            self.busy = False

    def _other_threads(self, frame, via: str):
        """A differentiation started in a thread of the student's while a student ``backward`` waits in another
        one (it started that thread and joins it): the same finding. Only the student's threads are looked at
        (the grader's own never run autograd), so a loop without threads of its own only pays for listing them."""
        current = threading.current_thread()
        if not any(t is not current and t.ident not in self.grader_threads for t in threading.enumerate()):
            return None
        entry = None  # the torch function the student's code called in this thread, as _inspect names it
        while frame is not None and not self._is_student(frame.f_code):
            entry, frame = frame, frame.f_back
        via = _public_name(entry) or via
        me = threading.get_ident()
        for ident, other in sys._current_frames().items():
            if ident != me:
                finding = self._inspect(other, via)
                if finding is not None:
                    return {**finding, "via": via}
        return None

    def _inspect(self, frame, via: str):
        entry, where, refreshed = None, None, False
        while frame is not None:
            code = frame.f_code
            if self._is_student(code):
                if where is None:
                    where = f"{os.path.basename(code.co_filename)}:{frame.f_lineno} in {code.co_name}"
                    via = _public_name(entry) or via
                owner = self.watched.get(code)
                if owner is None and code.co_name in METHODS and not refreshed:
                    self._refresh()  # a class created after the import
                    refreshed = True
                    owner = self.watched.get(code)
                if owner is not None:
                    return {"function": owner, "via": via, "where": where}
            elif where is None:
                entry = frame
            frame = frame.f_back
        return None


def _is_function(cls, torch) -> bool:
    try:
        return issubclass(cls, torch.autograd.Function) and cls is not torch.autograd.Function
    except TypeError:
        return False


PUBLIC = {
    "torch.autograd": "torch.autograd",
    "torch.autograd.functional": "torch.autograd.functional",
    "torch.autograd.forward_ad": "torch.autograd.forward_ad",
    "torch._tensor": "torch",
    "torch._functorch.apis": "torch.func",
    "torch._functorch.eager_transforms": "torch.func",
}


def _public_name(frame) -> str | None:
    """The torch function the student called, by its public name: ``torch.autograd.grad``."""
    if frame is None:
        return None
    module = frame.f_globals.get("__name__", "")
    qualname = getattr(frame.f_code, "co_qualname", frame.f_code.co_name)
    head = qualname.split(".<locals>")[0].removesuffix(".__enter__")
    prefix = PUBLIC.get(module)
    if prefix is None:
        return f"{module}.{head}" if module.startswith("torch") else None
    return f"{prefix}.{head}"


# ---------------------------------------------------------------- the hooks

class _Engine:
    """Stands in for ``Variable._execution_engine``: records, then delegates every call."""

    def __init__(self, engine, watch: Watch):
        object.__setattr__(self, "_engine", engine)
        object.__setattr__(self, "_watch", watch)

    def run_backward(self, *args, **kwargs):
        self._watch.engine_runs += 1
        self._watch.record("the autograd engine")
        return self._engine.run_backward(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._engine, name)


def _wrap(module, name: str, watch: Watch, via: str) -> None:
    original = getattr(module, name, None)
    if original is None or getattr(original, "_grader_watch", False):
        return

    def hooked(*args, **kwargs):
        watch.record(via)
        return original(*args, **kwargs)

    hooked._grader_watch = True
    hooked.__wrapped__ = original
    setattr(module, name, hooked)


def install(submission: str) -> Watch:
    """Put the hooks in place (before the student's files are imported); returns the recorder."""
    import torch
    from torch.autograd import forward_ad
    from torch.autograd.variable import Variable

    watch = Watch(os.path.realpath(submission))
    if not isinstance(Variable._execution_engine, _Engine):
        Variable._execution_engine = _Engine(Variable._execution_engine, watch)
    _wrap(forward_ad, "enter_dual_level", watch, "torch.autograd.forward_ad")
    try:
        from torch._functorch import eager_transforms
    except ImportError:  # pragma: no cover - every supported torch has it
        return watch
    _wrap(eager_transforms, "grad_increment_nesting", watch, "torch.func")
    _wrap(eager_transforms, "enter_jvp_nesting", watch, "torch.func")
    del torch
    return watch
