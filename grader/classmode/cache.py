"""Re-grading only what changed: a class run re-uses the reports of ``--out DIR`` it can trust.

A report written by a class run carries a *re-grade key* in ``environment.regrade_key``:

- ``handin``: sha256 over every file the student process would get (the same selection as the copy,
  :mod:`grader.handin.copy`: relative path, size and content of each), not only the ``.py`` hashes of
  ``submission.files``, so a changed data file or notebook counts as a change;
- ``config``: sha256 of the effective configuration (every field of
  :class:`~grader.config.GradingConfig` that takes part in its equality: points, time limits,
  hyper-parameters, thresholds, ``--only``, seeds, language, sandbox...);
- ``grader`` and ``torch``: the versions that graded it.

The next ``grader check CLASS --out DIR`` re-uses ``DIR/students/<slug>.json`` when its key equals the
key of the hand-in now, the student's name and LMS id are the same, and no check of it hit an internal
error of the grader; everything else is graded again (late hand-ins, a student's fix, a new
configuration or grader). ``--force`` grades everything. A re-used report gets the hand-in's current
place (:attr:`Submission.where`) and intake notes, and is otherwise the file that was there.

Not covered: what the key cannot see, e.g. the content of a file a configuration key points to (its
path is in the key, not its bytes) or a different machine's sandbox level; use ``--force`` then.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping

from grader import __version__
from grader.classmode.intake import Submission
from grader.model import SubmissionReport

KEY = "regrade_key"
INTAKE = "intake: "


def handin_digest(folder: Path) -> str:
    """sha256 over the files the student process would get from ``folder`` (path, size, content)."""
    # The copy's own selection: the same files, the same exclusions, opened the same careful way.
    from grader.handin.copy import MAX_FILE_BYTES, _plan
    from grader.handin.safe_read import NO_FOLLOW_FLAGS

    digest = hashlib.sha256()
    plan = _plan(Path(folder))
    for rel, source, size in sorted(plan.files):
        digest.update(f"{rel}\0{size}\0".encode("utf-8", "surrogateescape"))
        if size > MAX_FILE_BYTES:
            continue  # not copied for the student process: its size stands for it
        try:
            fd = os.open(source, NO_FOLLOW_FLAGS)
            try:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    raise OSError("not a regular file")
                while chunk := os.read(fd, 2**20):
                    digest.update(chunk)
            finally:
                os.close(fd)
        except OSError as exc:  # unreadable now: a key that cannot match a stored one
            digest.update(f"unreadable: {exc}".encode("utf-8", "backslashreplace"))
    for rel in sorted(plan.links + plan.special):
        digest.update(f"{rel}\0not copied\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _canonical(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value) if f.compare}
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def config_digest(config) -> str:
    """sha256 of every field of ``config`` that takes part in its equality (where values came from does not)."""
    text = json.dumps(_canonical(config), sort_keys=True, ensure_ascii=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def _torch_version() -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        return "?"


def key(submission: Submission, config) -> dict[str, str] | None:
    """The re-grade key of a hand-in now; None for a student with nothing to grade (never re-used)."""
    if submission.problem:
        return None
    return {"handin": handin_digest(submission.path), "config": config_digest(config), "grader": __version__,
            "torch": _torch_version()}


def stamp(report: SubmissionReport, regrade_key: Mapping[str, str] | None) -> SubmissionReport:
    """``report`` with its re-grade key in ``environment`` (unchanged without a key)."""
    if regrade_key is None:
        return report
    return replace(report, environment={**report.environment, KEY: dict(regrade_key)})


def reusable(submission: Submission, regrade_key: Mapping[str, str] | None, path: Path) -> SubmissionReport | None:
    """The report at ``path`` when it may stand for grading ``submission`` again, brought up to date with the
    hand-in's place and intake notes; else None (no file, not a report, another key, another student...)."""
    if regrade_key is None or not path.is_file():
        return None
    from grader.reporters.json_report import from_dict

    try:
        report = from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    same = (report.environment.get(KEY) == dict(regrade_key) and report.grader_version == __version__
            and report.submission.name == submission.student and report.submission.lms_id == submission.lms_id)
    if not same or any(c.details.get("internal_error") for c in report.checks):
        return None
    warnings = tuple(w for w in report.warnings if not w.startswith(INTAKE))
    warnings += tuple(INTAKE + note for note in submission.notes)
    return replace(report, submission=replace(report.submission, path=submission.where), warnings=warnings)
