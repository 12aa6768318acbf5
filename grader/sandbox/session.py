"""A grading session for one submission: temporary copy, student process, loading, restarts.

The submission folder is never modified: the student process works in a
temporary copy, and a separate work folder (outside that copy) holds the data
the grader hands over as ``.npy`` files and the captured output.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from grader.sandbox import isolation
from grader.sandbox.errors import StudentCrash, StudentFailure
from grader.sandbox.isolation import Sandbox
from grader.sandbox.process import StudentProcess

# Files a submission is made of, in the order they are imported.
MODULES = ("tp1", "tp1_descente", "tp1_autograd")
IGNORED_DIRS = {"__pycache__", ".git", ".ipynb_checkpoints", "runs", ".venv", "venv", "data", "grader-reports"}
MAX_COPY_BYTES = 50 * 1024 * 1024


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

    def has(self, qualified: str) -> bool:
        """``has("tp1.MSE")``: the module imported and defines that top-level name."""
        module, _, name = qualified.partition(".")
        entry = self.modules.get(module)
        return bool(entry and entry.ok and (not name or name in entry.names))


def _copy_submission(src: Path, dst: Path) -> None:
    total = 0

    def ignore(folder: str, names: list[str]) -> set[str]:
        nonlocal total
        skipped = {n for n in names if n in IGNORED_DIRS}
        for n in names:
            p = Path(folder, n)
            if n not in skipped and p.is_file() and not p.is_symlink():
                total += p.stat().st_size
                if total > MAX_COPY_BYTES and not n.endswith(".py"):
                    skipped.add(n)
            elif p.is_symlink():
                skipped.add(n)
        return skipped

    shutil.copytree(src, dst, ignore=ignore, symlinks=False)


class StudentSession:
    """Owns the student process for one submission; restarts it after a crash or timeout."""

    def __init__(self, submission: Path, load_timeout_s: float, launcher=None, sandbox: Sandbox | None = None):
        self.submission = submission
        self.launcher = launcher
        self.load_timeout_s = load_timeout_s
        self.sandbox = sandbox or Sandbox("none")
        # in a class run, the folder is made where the launcher's sandbox sees it
        self._tmp = tempfile.TemporaryDirectory(prefix="grader-", dir=getattr(launcher, "class_root", None))
        root = Path(self._tmp.name)
        self.copy_dir = root / "submission"
        self.workdir = root / "work"
        self.workdir.mkdir()
        _copy_submission(submission, self.copy_dir)
        self.child_script = isolation.install_runtime(self.workdir)
        isolation.prepare_folders(root, self.copy_dir, self.workdir, self.sandbox.uid)
        self.present = tuple(m for m in MODULES if (self.copy_dir / f"{m}.py").is_file())
        self.process: StudentProcess | None = None
        self.load_info: LoadInfo | None = None
        self.failures: dict[str, StudentFailure] = {}
        self.restarts = 0
        self._load_started = 0.0

    def __enter__(self) -> "StudentSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.process is not None:
            self.process.close()
        self._tmp.cleanup()

    # ------------------------------------------------------------ loading
    def begin_load(self) -> None:
        """Start the student process and ask it to import the submission; don't wait."""
        self._start_and_send_load()

    def _start_and_send_load(self) -> None:
        self.process = StudentProcess(self.copy_dir, self.workdir, self.launcher, self.sandbox, self.child_script)
        self.process.start()
        self.process.send("load", self._load_request())
        self._load_started = time.monotonic()

    def _load_request(self) -> dict[str, Any]:
        """What ``child.py``'s ``load`` is asked: the files to import and, for tests only
        (``GRADER_FORCE_STANDINS=1`` in the grader's environment), to give every optional library the
        submission imports a stand-in even when it is installed (stubs.py: ``install(force=True)``)."""
        return {"modules": list(self.loadable), "force_stand_ins": os.environ.get("GRADER_FORCE_STANDINS") == "1"}

    @property
    def loadable(self) -> tuple[str, ...]:
        return tuple(m for m in self.present if m not in self.failures)

    def finish_load(self) -> LoadInfo:
        """Wait for the import to finish (bounded by the load time limit).

        When one file hangs or kills the process while importing, the process is
        restarted without that file so that the others can still be graded
        (except when it is ``tp1.py``, which the others import).
        """
        assert self.process is not None
        while True:
            remaining = self.load_timeout_s - (time.monotonic() - self._load_started)
            try:
                reply = self.process.receive(max(remaining, 0.0), doing="importing the submission")
                break
            except StudentFailure as failure:
                event = self.process.last_event or {}
                module = event.get("module") if event.get("module") in self.loadable else self.loadable[0]
                self.process.close()
                self.failures[module] = failure
                if module == MODULES[0] or not self.loadable:
                    reply = {}
                    break
                self._start_and_send_load()
        self.load_info = LoadInfo(self._modules_from(reply.get("modules", {})),
                                  tuple(str(w) for w in reply.get("warnings", [])))
        return self.load_info

    def _modules_from(self, raw: Mapping[str, Any]) -> dict[str, ModuleLoad]:
        modules = {}
        for name in MODULES:
            entry = raw.get(name)
            if name not in self.present:
                modules[name] = ModuleLoad(name, present=False, ok=False)
            elif name in self.failures:
                modules[name] = ModuleLoad(name, present=True, ok=False, failure=self.failures[name])
            elif not isinstance(entry, dict):
                modules[name] = ModuleLoad(name, present=True, ok=False)
            else:
                names = entry.get("names") if isinstance(entry.get("names"), dict) else {}
                modules[name] = ModuleLoad(
                    name, present=True, ok=entry.get("ok") is True,
                    names={str(k): str(v) for k, v in names.items()},
                    error=entry.get("error") if isinstance(entry.get("error"), dict) else None,
                    duration_s=float(entry.get("duration_s", 0.0)),
                )
        return modules

    def ensure_running(self) -> None:
        """Before a check: if an earlier check killed the process, start a fresh one."""
        if self.process is not None and self.process.alive:
            return
        if self.process is not None:
            self.process.close()
        self.restarts += 1
        self.process = StudentProcess(self.copy_dir, self.workdir, self.launcher, self.sandbox, self.child_script)
        self.process.start()
        try:
            self.process.request("load", self._load_request(), self.load_timeout_s,
                                 doing="importing the submission again")
        except StudentFailure as failure:
            raise StudentCrash(f"could not restart the student process: {failure}") from None

    def output_tail(self) -> str:
        return self.process.output_tail() if self.process else ""
