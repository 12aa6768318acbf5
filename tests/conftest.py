"""Shared helpers: build fixture submissions from the reference, grade them for real."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "reference"
TEMPLATE = ROOT / "student_template"
SUBMISSIONS = ROOT / "submissions"

NON_TRAINING = ("load", "mse.forward", "mse.backward", "mse.gradcheck", "linear.forward", "linear.backward",
                "linear.gradcheck", "context.isolation", "descent.manual")


def grade(path: Path, *only: str, launcher=None, **settings):
    """Grade ``path`` for real (student process, real torch) and return the report."""
    from grader.config import GradingConfig
    from grader.runner import grade as run

    config = replace(GradingConfig(only=tuple(only) or None), **settings)
    return run(Path(path), config, launcher=launcher)


def statuses(report) -> dict[str, str]:
    return {c.id: c.status.value for c in report.checks}


def mutate(tmp_path: Path, name: str = "student", **edits: list[tuple[str, str]] | str) -> Path:
    """A copy of ``reference/`` with edits: ``tp1=[(old, new), ...]`` or ``tp1="whole new text"``."""
    dst = tmp_path / name
    shutil.copytree(REFERENCE, dst, ignore=shutil.ignore_patterns("__pycache__"))
    for module, edit in edits.items():
        path = dst / f"{module}.py"
        if isinstance(edit, str):
            path.write_text(edit)
            continue
        text = path.read_text()
        for old, new in edit:
            assert old in text, f"{old!r} is not in reference/{module}.py"
            text = text.replace(old, new)
        path.write_text(text)
    return dst


def real_rows() -> list[list[float]]:
    """The raw rows of the copy of California Housing bundled with the grader (read here independently)."""
    import csv
    import gzip

    from grader.data import BUNDLED

    with gzip.open(BUNDLED, "rt") as f:
        return [[float(v) for v in r] for r in csv.reader(f)]


@pytest.fixture(scope="module")
def real():
    """The real California Housing data, the copy bundled with the grader: ``(source, X, y)`` as grader.data
    reads it."""
    from grader import data

    source = data.DataSource("bundled", str(data.BUNDLED))
    X, y = data.load_raw(source)
    return source, X, y


@pytest.fixture(scope="module")
def warm_launcher():
    """A class run's warm launcher (torch imported once), at the strongest sandbox level, for one test module:
    tests that grade many submissions save a fresh interpreter each."""
    from grader.sandbox.isolation import resolve_level
    from grader.sandbox.launcher import WarmLauncher

    with WarmLauncher(resolve_level("auto")) as launcher:
        yield launcher


@pytest.fixture
def make_submission(tmp_path):
    def make(**edits):
        return mutate(tmp_path, **edits)
    return make


# Every temporary folder of this test session (the student processes' copies among them) lives under
# SESSION_TMP, so that processes left behind by *these* tests can be told from other graders on the machine.
SESSION_TMP = Path(tempfile.mkdtemp(prefix=f"grader-tests-{os.getpid()}-"))
os.environ["TMPDIR"] = str(SESSION_TMP)
os.environ["GRADER_I18N_STRICT"] = "1"  # a message key missing from the catalogues raises instead of printing
tempfile.tempdir = None
atexit.register(shutil.rmtree, SESSION_TMP, ignore_errors=True)


def launcher_pids(launcher) -> set[int]:
    """The warm launcher's own processes: its process and, when sandboxed, the zygote bwrap started."""
    pids = {launcher.proc.pid}
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) in pids:
                if "zygote.py --sock" in (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                    pids.add(int(proc.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def child_processes_of_grader(except_pids: set[int] = frozenset(), settle_s: float = 3.0) -> list[str]:
    """Student processes still alive ``settle_s`` seconds after the grader killed them (a process killed
    with its PID namespace takes a moment to go)."""
    deadline = time.monotonic() + settle_s
    while True:
        found = _student_processes(except_pids)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def _dying(status: str) -> bool:
    """A process that runs no code again: SIGKILL pending (e.g. sent to every process of a PID namespace
    whose init died), or its memory already released. Hundreds of them, torn down at once on a loaded
    machine, can take seconds to go."""
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    pending = int(fields.get("SigPnd", "0").strip() or "0", 16) | int(fields.get("ShdPnd", "0").strip() or "0", 16)
    return "VmSize" not in fields or bool(pending & (1 << (9 - 1)))


def _student_processes(except_pids: set[int]) -> list[str]:
    """Command lines of live processes started for a student by this test session: their command line
    or working folder is in SESSION_TMP (those forked by the warm launcher keep zygote.py's command line
    but work in the copy), except ``except_pids``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) in except_pids or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (proc / "stat").read_text().split()[2]
            dying = _dying((proc / "status").read_text())
            cwd = os.readlink(proc / "cwd")
        except OSError:
            continue
        student = str(SESSION_TMP) in cmdline or cwd.startswith(str(SESSION_TMP))
        if student and state != "Z" and not dying:
            found.append(cmdline)
    return found




def pytest_collection_modifyitems(items):
    """``system``: the tests that need bubblewrap or Chromium (a test at the ``bwrap`` level, the browser tests,
    those marked by hand). Without those programs they skip; CI installs them and runs them (.ci/run)."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "bwrap" in [v for v in params.values() if isinstance(v, str)] or item.path.name == "test_html_browser.py":
            item.add_marker(pytest.mark.system)
