"""One hand-in on two cores: the SGD check runs in a second student process while the other checks run.

The student's own SGD epoch (``train.sgd``) is most of a single hand-in's grading time, and it ran after
everything else on one core while the other waited. When one hand-in is graded alone (``grader check
HAND-IN``; a class run already keeps every core busy with other hand-ins) on a machine that gives this
process two cores or more, :func:`launcher_for` starts a warm launcher (``sandbox/zygote.py``: it imports
torch and runs no student code) while the grader imports torch, and both student processes are forked from
it: the main one, which runs the checks in their order, and a second one (:class:`SideRun`), which loads the
hand-in alongside and runs the checks of :data:`SIDE_CHECKS` from the moment loading is done. Each process
has its own copy of the hand-in, its own uid and its own limits. The side check's result takes its place in
the report's order.

The verdicts are those of a run in one process:

- the second process is used only when the hand-in loaded cleanly in both processes, the same way; otherwise
  it is stopped and the main process runs the check in its turn (nor is it started when copying the hand-in
  took over :data:`MAX_COPY_S`);
- when, by the time the check's turn comes, a function of the hand-in has hung or crashed the main process
  (:mod:`grader.hangs`), a side result other than ``passed`` / ``failed`` is set aside and the check runs in
  the main process, where that function is not waited for again (one hang, one limit);
- a function that hung in the second process is remembered by the main session too.

``GRADER_SIDE_PROCESS=0`` in the grader's environment turns it off (one student process, as in a class run).
"""

from __future__ import annotations

import os
import threading
from contextlib import ExitStack
from pathlib import Path

from grader.config import DEFAULT_POINTS, GradingConfig
from grader.model import CheckResult, Status
from grader.sandbox.errors import StudentFailure
from grader.sandbox.isolation import resolve_level, sandbox_for
from grader.sandbox.session import LoadInfo, StudentSession

__all__ = ["ENV_VAR", "SIDE_CHECKS", "SideRun", "available", "launcher_for", "usable_cores", "wanted"]

SIDE_CHECKS = ("train.sgd",)
ENV_VAR = "GRADER_SIDE_PROCESS"
# The second process gets a copy of the hand-in of its own: not worth it when copying took longer than this
# (a hand-in carrying a virtual environment: 6 s for 60 MB, docs/speed.md).
MAX_COPY_S = 1.0


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def available() -> bool:
    """Two cores or more for this process, and not turned off (``GRADER_SIDE_PROCESS=0``)."""
    return os.environ.get(ENV_VAR, "1") != "0" and usable_cores() >= 2


def wanted(config: GradingConfig, class_launcher) -> bool:
    """A second student process pays: one hand-in graded alone, two cores, a side check and another check that
    calls the student's code to run beside it."""
    if class_launcher is not None or not available():
        return False
    others = [c for c in DEFAULT_POINTS if c not in SIDE_CHECKS and c != "load" and config.runs(c)]
    return any(config.runs(c) for c in SIDE_CHECKS) and bool(others)


def launcher_for(config: GradingConfig, class_launcher, stack: ExitStack):
    """The warm launcher of a single hand-in's two student processes, started now and closed with ``stack``;
    None when a second process is not worth it (:func:`wanted`) or no launcher can run at this level."""
    if not wanted(config, class_launcher):
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
    """The second student process of a single hand-in and the side check running in it."""

    def __init__(self, root: Path, config: GradingConfig, launcher) -> None:
        self._stack = ExitStack()
        try:
            sandbox = self._stack.enter_context(sandbox_for(launcher.level, config.limits))  # a uid of its own
            self.session = self._stack.enter_context(StudentSession(root, config.load_timeout_s, launcher, sandbox))
            self.session.begin_load()
        except BaseException:
            self._stack.close()
            raise
        self.check_id: str | None = None
        self._thread: threading.Thread | None = None
        self._result: CheckResult | None = None
        self._stopped = False
        self.delivered = False  # the report holds the side check's result from this process

    def __enter__(self) -> "SideRun":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self._stack.close()

    def start(self, specs, main: StudentSession, raw_load: LoadInfo, config: GradingConfig, load_info: LoadInfo,
              data, data_problem, deadline: float) -> str | None:
        """After the main process's load: start the side check in this process; its id, or None when this
        process is not used (the main process then runs every check)."""
        spec = next((s for s in specs if s.id in SIDE_CHECKS), None)
        if spec is None or main.failures:
            self.stop()
            return None
        try:
            mine = self.session.finish_load(retry=False)
        except StudentFailure:
            mine = None
        if mine is None or self.session.failures or not _same_load(mine, raw_load):
            self.stop()
            return None
        self.session.load_info = load_info  # with the names the main session found in other files
        if data is not None:
            from grader.data.handover import prepare_training_data

            prepare_training_data(config, self.session.workdir)  # the split is cached: only the files are written
        self.check_id = spec.id
        self._thread = threading.Thread(target=self._run, args=(spec, config, load_info, data, data_problem,
                                                                deadline), name="grader-side", daemon=True)
        self._thread.start()
        return spec.id

    def _run(self, spec, config, load_info, data, data_problem, deadline) -> None:
        from grader.runner import run_check

        if not self._stopped:
            self._result = run_check(spec, self.session, config, load_info, data, data_problem, deadline)

    def settled(self) -> CheckResult | None:
        """The side check's result if it has already passed or failed (a verdict no hang elsewhere changes)."""
        if self._thread is None or self._thread.is_alive() or self._stopped or self._result is None:
            return None
        if self._result.status not in (Status.PASSED, Status.FAILED):
            return None
        self.delivered = True
        return self._result

    def take(self, main: StudentSession) -> CheckResult | None:
        """The side check's result, waiting for it; None when it was stopped (the main process then runs the
        check). Called after the checks that follow it ran in the main process: a hang among those does not
        change it, as in one process, where the side check ran before them."""
        if self._thread is None or self._stopped:
            return None
        self._thread.join()
        if self._result is None:
            return None
        for key, hung in self.session.hung.items():  # not waited for again in the main process either
            main.hung.setdefault(key, hung)
        self.delivered = True
        return self._result

    def stop(self) -> None:
        """Stop the side check (its result is set aside). Kills whatever process the session has, until the
        thread has ended: a process restarted meanwhile is killed too."""
        self._stopped = True
        while self._thread is not None and self._thread.is_alive():
            process = self.session.process
            if process is not None:
                process.send_kill()  # the thread, waiting for its reply, sees the process end
            self._thread.join(0.2)
        if self.session.process is not None:
            self.session.process.kill()
