"""The SGD check in a student process of its own, beside the other checks when there is a core for it.

The student's own SGD epoch (``train.sgd``) is most of a single hand-in's grading time, and it ran after
everything else on one core while the other waited. It now runs in a second student process that has only
loaded the hand-in, forked from a warm launcher (``sandbox/zygote.py``: it imports torch and runs no student
code), with its own copy of the hand-in, its own uid and its own limits, at the same sandbox level:

- **beside**: one hand-in graded alone (``grader check HAND-IN``) on a machine that gives this process two
  cores or more. :func:`launcher_for` starts the launcher while the grader imports torch; both student
  processes are forked from it and load the hand-in side by side, and the second runs the SGD check from the
  moment loading is done, while the main one runs the other checks in their order;
- **at its turn**: a class run (its workers keep every core busy already) or one core. The second process is
  forked when the SGD check's turn comes, and the check waits for it.

Either way the SGD check sees the same thing: a process that has loaded the hand-in and run nothing else, so
a hand-in gets the same verdicts graded alone as in a class (a ``descente_batch`` that leaves autograd turned
off, or a global that ``descente_stochastique`` needs it to set, would otherwise change the SGD verdict with
the mode). The report's order is kept. And:

- the second process is used only when the hand-in loaded cleanly in both processes, the same way; otherwise
  the main process runs the check in its turn, as it does for a hand-in too large to copy twice
  (:func:`small_enough`);
- when a function of the hand-in has hung or crashed the main process (:mod:`grader.hangs`) before the SGD
  check's turn, a side result other than ``passed`` / ``failed`` is set aside and the check runs again at
  its turn in a fresh second process, which stops any call of that function at once (one hang, one limit);
- a function that hung in the second process is remembered by the main session too.

Without a warm launcher (a sandboxed level when the grader is not root) or with ``GRADER_SIDE_PROCESS=0``,
every check runs in the main process, graded alone and in a class alike.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import ExitStack
from pathlib import Path

from grader.config import DEFAULT_POINTS, GradingConfig
from grader.model import CheckResult, Status
from grader.sandbox.errors import StudentFailure
from grader.sandbox.isolation import resolve_level, sandbox_for
from grader.sandbox.session import LoadInfo, StudentSession

__all__ = ["ENV_VAR", "SIDE_CHECKS", "SideRun", "available", "beside", "launcher_for", "small_enough",
           "usable_cores", "wanted"]

SIDE_CHECKS = ("train.sgd",)
ENV_VAR = "GRADER_SIDE_PROCESS"
# The second process gets a copy of the hand-in of its own: not for a hand-in larger than this (one carrying a
# virtual environment: 2,030 files, 60 MB, 6 s to copy; 200 files and 20 MB take 0.34 s: docs/speed.md). By
# what was copied, not by how long it took: the same hand-in gets the same answer graded alone and in a class.
MAX_COPY_FILES, MAX_COPY_BYTES = 500, 20_000_000


def small_enough(copied) -> bool:
    """A hand-in small enough to be copied a second time (:class:`grader.handin.Copied`)."""
    return copied.files <= MAX_COPY_FILES and copied.bytes <= MAX_COPY_BYTES


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def available() -> bool:
    """Not turned off (``GRADER_SIDE_PROCESS=0``)."""
    return os.environ.get(ENV_VAR, "1") != "0"


def beside(class_launcher) -> bool:
    """The second process runs beside the main one: a hand-in graded alone, with two cores for it."""
    return class_launcher is None and usable_cores() >= 2


def wanted(config: GradingConfig) -> bool:
    """The SGD check is graded, with another check that calls the student's code."""
    others = [c for c in DEFAULT_POINTS if c not in SIDE_CHECKS and c != "load" and config.runs(c)]
    return available() and any(config.runs(c) for c in SIDE_CHECKS) and bool(others)


def launcher_for(config: GradingConfig, class_launcher, stack: ExitStack):
    """The warm launcher of a single hand-in's student processes, started now (it imports torch while this
    process does) and closed with ``stack``; None in a class run (it has one), when there is no second process
    to fork (:func:`wanted`) or when no launcher can run at this level."""
    if class_launcher is not None or not wanted(config):
        return None
    from grader.sandbox.launcher import LauncherError, WarmLauncher

    try:
        launcher = WarmLauncher(resolve_level(config.sandbox), wait=False)
    except (LauncherError, OSError):
        return None
    return stack.enter_context(launcher)


def _same_load(a: LoadInfo, b: LoadInfo) -> bool:
    """Both processes imported the same files with the same outcome and the same top-level names."""
    def summary(info: LoadInfo):
        return {name: (m.present, m.ok, dict(m.names), m.failure is None) for name, m in info.modules.items()}

    return summary(a) == summary(b)


class SideRun:
    """The second student process of a hand-in and the SGD check running in it."""

    def __init__(self, root: Path, config: GradingConfig, launcher, alongside: bool) -> None:
        self.root, self.config, self.launcher, self.alongside = root, config, launcher, alongside
        self._stack = ExitStack()
        self.sandbox = self._stack.enter_context(sandbox_for(launcher.level, config.limits))  # a uid of its own
        self.session: StudentSession | None = None
        if alongside:
            try:
                self._new_session({})
            except BaseException:
                self._stack.close()  # the uid goes back to the pool
                raise
        self.check_id: str | None = None
        self._args: tuple = ()
        self._thread: threading.Thread | None = None
        self._result: CheckResult | None = None
        self._stopped = False
        self.delivered = False  # the report holds the side check's result from this process

    def __enter__(self) -> "SideRun":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self._close_session()
        self._stack.close()

    def _new_session(self, hung: dict, load_timeout_s: float | None = None) -> StudentSession:
        """A fresh copy and student process loading the hand-in; ``hung``: the functions not to call again."""
        self._close_session()
        self.session = StudentSession(self.root, load_timeout_s or self.config.load_timeout_s, self.launcher,
                                      self.sandbox)
        self.session.hung = dict(hung)  # sent with the load request (not_again)
        self.session.begin_load()
        return self.session

    def _close_session(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None

    def begin(self, specs, main: StudentSession, raw_load: LoadInfo, load_info: LoadInfo, data, data_problem,
              deadline: float) -> str | None:
        """After the main process's load: the id of the check this process runs (None: none; the main process
        then runs every check). Beside the main process, the check starts now."""
        spec = next((s for s in specs if s.id in SIDE_CHECKS), None)
        if spec is None or main.failures:
            self.stop()
            return None
        self.check_id = spec.id
        self._args = (spec, raw_load, load_info, data, data_problem, deadline)
        if self.alongside and self._loaded_alike(raw_load):
            self._thread = threading.Thread(target=self._run, name="grader-side", daemon=True)
            self._thread.start()
        return spec.id

    def _loaded_alike(self, raw_load: LoadInfo) -> bool:
        """This process's load, finished: the hand-in loaded cleanly and as in the main process; then the
        training data is written to its work folder."""
        try:
            mine = self.session.finish_load(retry=False)
        except StudentFailure:
            mine = None
        if mine is None or self.session.failures or not _same_load(mine, raw_load):
            self._close_session()
            return False
        spec, _, load_info, data, _, _ = self._args
        self.session.load_info = load_info  # with the names the main session found in other files
        if data is not None:
            from grader.data.handover import prepare_training_data

            prepare_training_data(self.config, self.session.workdir)  # the split is cached: only the files
        return True

    def _run(self) -> None:
        from grader.runner import run_check

        spec, _, load_info, data, data_problem, deadline = self._args
        if not self._stopped:
            self._result = run_check(spec, self.session, self.config, load_info, data, data_problem, deadline)

    @property
    def running(self) -> bool:
        """The check runs (or has run) beside the main process, and was not stopped."""
        return self._thread is not None and not self._stopped

    def settled(self) -> CheckResult | None:
        """The side check's result if it has already passed or failed (a verdict no hang elsewhere changes)."""
        if not self.running or self._thread.is_alive() or self._result is None:
            return None
        if self._result.status not in (Status.PASSED, Status.FAILED):
            return None
        self.delivered = True
        return self._result

    def at_turn(self, main: StudentSession) -> CheckResult | None:
        """At the check's turn in the main process: its result, or None while it still runs beside (then
        :meth:`take` waits for it after the checks that follow) or when this process cannot be used (the
        main process then runs it).

        Beside: a result that has passed or failed is kept; when nothing hung in the main process, the check
        goes on beside. Otherwise (a hang first, or a class run, or one core) the check runs now in a fresh
        second process, told which functions hung."""
        if self.running:
            kept = self.settled()
            if kept is not None or not main.hung:
                return kept
            self.stop()
        from grader.runner import run_check

        spec, raw_load, load_info, data, data_problem, deadline = self._args
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None  # the main process reports the submission's time limit, as in one process
        self._new_session(main.hung, min(self.config.load_timeout_s, remaining))
        if not self._loaded_alike(raw_load):
            return None
        self._result = run_check(spec, self.session, self.config, load_info, data, data_problem, deadline)
        return self._delivered(main)

    def take(self, main: StudentSession) -> CheckResult | None:
        """The side check's result, waiting for it; None when it was stopped (the main process then runs the
        check). Called after the checks that follow it ran in the main process: a hang among those does not
        change it, as in one process, where the side check ran before them."""
        if not self.running:
            return None
        self._thread.join()
        return self._delivered(main)

    def _delivered(self, main: StudentSession) -> CheckResult | None:
        if self._result is None or self.session is None:
            return None
        for key, hung in self.session.hung.items():  # not waited for again in the main process either
            main.hung.setdefault(key, hung)
        self.delivered = True
        return self._result

    def stop(self) -> None:
        """Stop the check running beside (its result is set aside). Kills whatever process the session has,
        until the thread has ended: a process restarted meanwhile is killed too."""
        if self._thread is not None:
            self._stopped = True
        while self._thread is not None and self._thread.is_alive():
            process = self.session.process if self.session is not None else None
            if process is not None:
                process.send_kill()  # the thread, waiting for its reply, sees the process end
            self._thread.join(0.2)
        if self.session is not None and self.session.process is not None:
            self.session.process.kill()
