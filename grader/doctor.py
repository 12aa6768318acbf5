"""``grader doctor``: what this machine gives the grader, as plain findings (rendered by
:mod:`grader.reporters.doctor`).

Each :class:`Finding` is one line a teacher or a CI maintainer reads when something looks off:
Python, torch, the sandbox level a run would get and why not a stronger one (with the command that
gets it), what that level leaves unprotected, the data, the cores and the default ``--jobs``, the
libraries installed for the student's process, Chromium (only the HTML tests need it), the
configuration file that applies here. A finding is ``ok``, ``warn`` (grading runs, with a
weakness), ``fail`` (grading cannot run properly) or ``info``. Nothing here grades or prints.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

OK, WARN, FAIL, INFO = "ok", "warn", "fail", "info"
STUDENT_LIBS = ("tqdm", "icecream", "pandas")
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
UNPROTECTED = {
    "files": "the student's code can read and change every file its user can",
    "network": "it can use the network",
    "processes": "processes it starts with setsid can outlive the time limit",
    "root": "it runs as root without capabilities (root's files are writable, no process limit)",
    "shared_uid": "it runs under your own user (the process limit counts your processes too)",
}


@dataclass(frozen=True)
class Finding:
    topic: str
    status: str  # OK, WARN, FAIL or INFO
    value: str
    remedy: str | None = None


def examine(start: Path = Path(".")) -> list[Finding]:
    """Every finding, in the order a reader wants them."""
    return [_python(), _torch(), *_sandbox(), _data(), _cores(), _student_libs(), _chromium(), _config(start)]


def can_grade(findings: list[Finding]) -> bool:
    return not any(f.status == FAIL for f in findings)


def _python() -> Finding:
    version = platform.python_version()
    ok = sys.version_info[:2] == (3, 11)
    return Finding("Python", OK if ok else FAIL, f"{version} ({sys.executable})",
                   None if ok else "the grader is built and tested for Python 3.11")


def _torch() -> Finding:
    start = time.perf_counter()
    try:
        import torch
    except Exception as exc:  # noqa: BLE001 - any import failure is the finding
        return Finding("torch", FAIL, f"cannot be imported: {type(exc).__name__}: {exc}",
                       "pip install torch==2.13.0 (the CPU build; an unpinned torch pulls CUDA)")
    took = time.perf_counter() - start
    cuda = " (CUDA build: several GB more than needed)" if torch.version.cuda else ""
    return Finding("torch", OK, f"{torch.__version__}{cuda}, imported in {took:.1f} s")


def _sandbox() -> list[Finding]:
    from grader.sandbox import isolation

    try:
        requested = isolation.requested_level()
    except ValueError as exc:
        return [Finding("sandbox", FAIL, f"GRADER_SANDBOX: {exc}", "unset it, or set bwrap, unshare or none")]
    level, why = isolation.level_and_reason("auto")
    asked = f" (GRADER_SANDBOX={requested})" if requested != "auto" else ""
    remedy = None
    if level != "bwrap" and requested in ("auto", "bwrap"):
        remedy = ("apt-get install bubblewrap (Debian, Ubuntu) or dnf install bubblewrap (Fedora): "
                  "see docs/security.md") if shutil.which("bwrap") is None else "see docs/security.md"
    findings = [Finding("sandbox", OK if level != "none" else WARN,
                        f"{level}{asked}" + (f"; not stronger because {why}" if why else ""), remedy)]
    uid = _dedicated_uid(level, isolation)
    gaps = isolation.unprotected(level, uid)
    if gaps:
        findings.append(Finding("unprotected", WARN, "; ".join(UNPROTECTED.get(g, g) for g in gaps),
                                "grade untrusted hand-ins at bwrap or unshare; --require-sandbox refuses less"))
    else:
        findings.append(Finding("student uid", OK, "a dedicated unprivileged uid per hand-in, no capabilities"))
    return findings


def _dedicated_uid(level: str, isolation) -> int | None:
    """A stand-in uid when a run would give the student a dedicated one (as isolation.sandbox_for decides)."""
    if os.geteuid() != 0:
        return None
    if level == "none" and not all(isolation.reachable_by_others(r) for r in isolation.python_roots()):
        return None
    return isolation.UID_BASE


def _data() -> Finding:
    from grader import data

    try:
        source = data.find_data(None)
        x, _ = data.load_raw(source)
    except (data.DataNotFound, data.DataError) as exc:
        first = str(exc).splitlines()[0]
        return Finding("data", FAIL, f"California Housing unusable: {first}",
                       "reinstall the grader (its copy is bundled), or pass --data / set GRADER_DATA")
    return Finding("data", OK, f"{source.describe()}: {x.shape[0]} rows, checked")


def _cores() -> Finding:
    from grader import sideprocess

    cores = os.cpu_count() or 1
    if not sideprocess.available():
        alone = f"every check runs in one student process ({sideprocess.ENV_VAR}=0)"
    elif sideprocess.beside(None):
        alone = "a hand-in graded alone runs its SGD check in a second student process, beside the others"
    else:
        alone = "the SGD check runs in a second student process, at its turn"
    return Finding("cores", INFO, f"{cores}; a class run uses --jobs {cores} by default; {alone}")


def _student_libs() -> Finding:
    missing = [name for name in STUDENT_LIBS if importlib.util.find_spec(name) is None]
    if not missing:
        return Finding("student libraries", OK, f"{', '.join(STUDENT_LIBS)} installed for real; the others get "
                       "stand-ins (docs/optional-modules.md)")
    return Finding("student libraries", WARN, f"{', '.join(missing)} not installed: hand-ins importing them get "
                   "stand-ins", "pip install 'grader[student-libs]'")


def _chromium() -> Finding:
    found = next((shutil.which(name) for name in CHROMIUM if shutil.which(name)), None)
    if found:
        return Finding("chromium", INFO, f"{found}: the HTML report tests run")
    return Finding("chromium", INFO, "not found: only the HTML report tests need it (they are skipped)",
                   "apt-get install chromium fonts-dejavu-core")


def _config(start: Path) -> Finding:
    from grader.config.search import search

    try:
        found = search(start)
    except OSError as exc:
        return Finding("configuration", INFO, f"cannot look for one from {start}: {exc}")
    if found.file is None:
        text = f"none applies to {start.resolve()}: the defaults"
    else:
        text = f"{found.file} applies to {start.resolve()}"
    if found.ignored:
        text += f" ({len(found.ignored)} inside the hand-in ignored)"
    return Finding("configuration", INFO, text)
