"""A grading session for one submission: temporary copy, student process, loading, restarts.

The submission folder is never modified: the student process works in a
temporary copy, and a separate work folder (outside that copy) holds the data
the grader hands over as ``.npy`` files and the captured output.

The reply to the ``load`` request is read like every reply, as hostile data
(:func:`parse_load_reply`): a malformed one is the student's protocol error,
reported by the ``load`` check, never a crash of the grader.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from grader.handin import Copied, copy_handin
from grader.handin.notebook import convert_all
from grader.sandbox import isolation
from grader.sandbox.cleanup import remove_tree
from grader.sandbox.errors import Doing, StudentCrash, StudentFailure, StudentProtocolError
from grader.sandbox.isolation import Sandbox
from grader.sandbox.running import Hung
from grader.sandbox.process import MAX_ERROR_MESSAGE, MAX_ERROR_TYPE, MAX_ERROR_WHERE, MAX_TRACEBACK_LINE, \
    MAX_TRACEBACK_LINES, StudentProcess
from grader.text import bounded

# Files a submission is made of, in the order they are imported.
MODULES = ("tp1", "tp1_descente", "tp1_autograd")
MAX_NAME, MAX_KIND, MAX_WARNING, MAX_WARNINGS = 200, 100, 500, 50
MAX_NAMES = 20_000  # top-level names kept per module (``from torch import *`` defines ~1,500)


@dataclass(frozen=True)
class ModuleLoad:
    name: str
    present: bool
    ok: bool
    names: Mapping[str, str] = field(default_factory=dict)  # top-level name -> kind
    error: Mapping[str, Any] | None = None  # the exception the import raised, as data
    duration_s: float = 0.0
    failure: StudentFailure | None = None  # the import hung or killed the process


@dataclass(frozen=True)
class LoadInfo:
    modules: Mapping[str, ModuleLoad]
    warnings: tuple[str, ...] = ()
    # "tp1.MSE" -> "nb_TME1": a name found in another file of the hand-in; "tp1_descente.py" -> the module
    # that plays that file's part (grader/checks/names.py)
    aliases: Mapping[str, str] = field(default_factory=dict)
    script_form: bool = False  # tp1_descente.py (or what stands for it) is the lab's script, no descente()
    notebooks: tuple[tuple[str, str], ...] = ()  # (module, notebook file) of each notebook graded

    def has(self, qualified: str) -> bool:
        """``has("tp1.MSE")``: the module imported and defines that top-level name, or another file of the
        hand-in does (``aliases``); ``has("tp1_descente.py")``: that file was handed in (or stands in);
        ``tp1_descente.descente`` is there too when tp1_descente.py is the lab's script (``script_form``)."""
        if qualified.endswith(".py"):
            entry = self.modules.get(qualified[:-3])
            return bool(entry and entry.present) or qualified in self.aliases
        if qualified == "tp1_descente.descente" and self.script_form:
            return True  # the lab's script stands for the template's function (descent.manual runs it)
        module, _, name = qualified.partition(".")
        entry = self.modules.get(module)
        return bool(entry and entry.ok and (not name or name in entry.names)) or qualified in self.aliases

    def where(self, path: str) -> str:
        """The path to call: ``tp1.MSE.forward`` -> ``nb_TME1.MSE.forward`` when MSE was found there."""
        module, _, rest = path.partition(".")
        name = rest.partition(".")[0]
        other = self.aliases.get(f"{module}.{name}")
        return f"{other}.{rest}" if other else path


def _copy_submission(src: Path, dst: Path) -> Copied:
    """The student's working copy (links never followed, sizes capped, what was left out said): grader.handin.copy."""
    return copy_handin(src, dst)


class StudentSession:
    """Owns the student process for one submission; restarts it after a crash or timeout."""

    def __init__(self, submission: Path, load_timeout_s: float, launcher=None, sandbox: Sandbox | None = None):
        self.submission = submission
        self.launcher = launcher
        self.load_timeout_s = load_timeout_s
        self.sandbox = sandbox or Sandbox("none")
        # in a class run, the folder is made where the launcher's sandbox sees it
        self._tmp = tempfile.TemporaryDirectory(prefix="grader-", dir=getattr(launcher, "class_root", None))
        root = Path(self._tmp.name).resolve()  # bound at this very path in the student's root
        self.copy_dir = root / "submission"
        self.workdir = root / "work"
        self.workdir.mkdir()
        self.copied = _copy_submission(submission, self.copy_dir)
        self.notebooks, self.notebook_notes = convert_all(self.copy_dir, set(MODULES) | {
            p.stem for p in self.copy_dir.glob("*.py")})
        self.modules = MODULES + tuple(nb.module for nb in self.notebooks)  # what the student process imports
        self.child_script = self.workdir / "child.py"  # installed afresh before every process (_start_process)
        isolation.prepare_folders(root, self.copy_dir, self.workdir, self.sandbox.uid)
        self.present = tuple(m for m in self.modules if (self.copy_dir / f"{m}.py").is_file())
        self.process: StudentProcess | None = None
        self.load_info: LoadInfo | None = None
        self.failures: dict[str, StudentFailure] = {}
        self.hung: dict[tuple[str, str], Hung] = {}  # functions not to call again (grader.hangs), by (module, qualname)
        self.restarts = 0
        self._load_started = 0.0

    def __enter__(self) -> "StudentSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.process is not None:
            self.process.close()
        remove_tree(self._tmp.name)  # however deep the student's code nested folders in its copy
        self._tmp.cleanup()

    # ------------------------------------------------------------ loading
    def begin_load(self) -> None:
        """Start the student process and ask it to import the submission; don't wait."""
        self._start_and_send_load()

    def _start_process(self) -> None:
        """A new student process, running scripts freshly copied from the grader's package (never ones
        an earlier student process could have changed)."""
        self.child_script = isolation.install_runtime(self.workdir)
        self.process = StudentProcess(self.copy_dir, self.workdir, self.launcher, self.sandbox, self.child_script)
        self.process.start()

    def _start_and_send_load(self) -> None:
        self._start_process()
        self.process.send("load", self._load_request())
        self._load_started = time.monotonic()

    def _load_request(self) -> dict[str, Any]:
        """What ``child.py``'s ``load`` is asked: the files to import and, for tests only
        (``GRADER_FORCE_STANDINS=1`` in the grader's environment), to give every optional library the
        submission imports a stand-in even when it is installed (stubs.py: ``install(force=True)``)."""
        return {"modules": list(self.loadable), "force_stand_ins": os.environ.get("GRADER_FORCE_STANDINS") == "1",
                "not_again": [{"module": h.function.module, "qualname": h.function.qualname}
                              for h in self.hung.values()]}

    @property
    def loadable(self) -> tuple[str, ...]:
        return tuple(m for m in self.present if m not in self.failures)

    def finish_load(self, retry: bool = True) -> LoadInfo:
        """Wait for the import to finish (bounded by the load time limit).

        When one file hangs or kills the process while importing, the process is
        restarted without that file so that the others can still be graded
        (except when it is ``tp1.py``, which the others import). ``retry=False``: raise the
        :class:`StudentFailure` instead (the second process of :mod:`grader.sideprocess`).
        """
        assert self.process is not None
        while True:
            remaining = self.load_timeout_s - (time.monotonic() - self._load_started)
            try:
                reply = self.process.receive(max(remaining, 0.0), doing=Doing("loading"))
                break
            except StudentFailure as failure:
                if not retry:
                    raise
                event = self.process.last_event or {}
                module = event.get("module") if event.get("module") in self.loadable else self.loadable[0]
                self.process.close()
                self.failures[module] = failure
                if module == MODULES[0] or not self.loadable:
                    reply = {}
                    break
                self._start_and_send_load()
        try:
            entries, warnings = parse_load_reply(reply, self.modules)
        except StudentProtocolError as exc:  # blamed on the first file: nothing it said can be believed
            self.process.kill()
            self.failures[self.loadable[0] if self.loadable else MODULES[0]] = StudentProtocolError(
                exc.reason, None, self.process.output_tail())
            entries, warnings = {}, ()
        self.load_info = LoadInfo(self._modules_from(entries), warnings)
        return self.load_info

    def _modules_from(self, entries: Mapping[str, Mapping[str, Any]]) -> dict[str, ModuleLoad]:
        """One :class:`ModuleLoad` per lab file, from the entries :func:`parse_load_reply` checked."""
        modules = {}
        for name in self.modules:
            entry = entries.get(name)
            if name not in self.present:
                modules[name] = ModuleLoad(name, present=False, ok=False)
            elif name in self.failures:
                modules[name] = ModuleLoad(name, present=True, ok=False, failure=self.failures[name])
            elif entry is None:
                modules[name] = ModuleLoad(name, present=True, ok=False)
            else:
                modules[name] = ModuleLoad(name, present=True, ok=entry["ok"], names=entry["names"],
                                           error=entry["error"], duration_s=entry["duration_s"])
        return modules

    def ensure_running(self) -> None:
        """Before a check: if an earlier check killed the process, start a fresh one."""
        if self.process is not None and self.process.alive:
            return
        if self.process is not None:
            self.process.close()
        self.restarts += 1
        self._start_process()
        try:
            self.process.request("load", self._load_request(), self.load_timeout_s,
                                 doing=Doing("reloading"))
        except StudentFailure as failure:
            raise StudentCrash(f"could not restart the student process: {failure}") from None

    def resolve(self, path: str) -> str:
        """Where ``module.name...`` is called, names found in another file of the hand-in included."""
        return self.load_info.where(path) if self.load_info is not None else path

    def output_tail(self) -> str:
        return self.process.output_tail() if self.process else ""


def parse_load_reply(reply: Any, modules: tuple[str, ...] = MODULES) -> tuple[dict[str, dict[str, Any]], tuple[str, ...]]:
    """The reply to ``load`` (``{"modules": {name: entry}, "warnings": [...]}``) checked field by field:
    ``(entries of the lab files, warnings)``, every string bounded; :class:`StudentProtocolError` when a
    field has the wrong type. Names longer than ``MAX_NAME`` are left out (no required name is), and names past
    the first ``MAX_NAMES`` (the ``load`` check compares each required name with every name found)."""
    if not isinstance(reply, dict):
        raise StudentProtocolError("a reply to the load request that is not an object")
    raw, warnings = reply.get("modules", {}), reply.get("warnings", [])
    if not isinstance(raw, dict) or not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
        raise StudentProtocolError("a reply to the load request whose modules or warnings have the wrong type")
    entries = {}
    for module in modules:
        entry = raw.get(module)
        if entry is None:
            continue
        if not _valid_entry(entry):
            raise StudentProtocolError(f"a reply to the load request whose entry for {module}.py has the wrong type")
        duration = entry.get("duration_s", 0.0)
        entries[module] = {
            "ok": entry["ok"],
            "names": dict(itertools.islice(((k, bounded(v, MAX_KIND)) for k, v in entry.get("names", {}).items()
                                            if len(k) <= MAX_NAME), MAX_NAMES)),
            "error": _error_record(entry.get("error")),
            "duration_s": float(duration) if 0 <= duration < 1e9 else 0.0,  # also nan, inf, 10**400
        }
    return entries, tuple(bounded(w, MAX_WARNING) for w in warnings[:MAX_WARNINGS])


def _valid_entry(entry: Any) -> bool:
    """A module's entry as the child writes it: ``ok`` a bool, ``names`` {str: str}, ``error`` an object
    or null, ``duration_s`` a number."""
    if not isinstance(entry, dict) or not isinstance(entry.get("ok"), bool):
        return False
    names, error = entry.get("names", {}), entry.get("error")
    return (isinstance(names, dict) and all(isinstance(v, str) for v in names.values())
            and (error is None or isinstance(error, dict)) and type(entry.get("duration_s", 0.0)) in (int, float))


def _error_record(error: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The exception an import raised, as the child reported it, with bounded string fields only."""
    if error is None:
        return None
    lines = error.get("traceback") if isinstance(error.get("traceback"), list) else []
    return {"type": bounded(error.get("type"), MAX_ERROR_TYPE, "Error") or "Error",
            "message": bounded(error.get("message"), MAX_ERROR_MESSAGE),
            "where": bounded(error.get("where"), MAX_ERROR_WHERE) or None,
            "traceback": [bounded(x, MAX_TRACEBACK_LINE) for x in lines[:MAX_TRACEBACK_LINES] if isinstance(x, str)]}
