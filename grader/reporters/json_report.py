"""The JSON report: our schema, ``grader/schema/report.schema.json``."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from grader.model import CheckResult, SubmissionReport

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "report.schema.json"


def _plain(value: Any) -> Any:
    """JSON-safe data: non-finite floats become strings ("nan", "inf") so the file is strict JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def check_to_dict(check: CheckResult) -> dict[str, Any]:
    return {
        "id": check.id,
        "name": check.name,
        "status": check.status.value,
        "score": check.score,
        "max_score": check.max_score,
        "message": check.message,
        "hints": list(check.hints),
        "details": _plain(dict(check.details)),
        "duration_s": check.duration_s,
    }


def to_dict(report: SubmissionReport) -> dict[str, Any]:
    return {
        "schema_version": report.schema_version,
        "grader_version": report.grader_version,
        "submission": {"path": report.submission.path, "name": report.submission.name,
                       "files": dict(report.submission.files)},
        "started_at": report.started_at,
        "duration_s": report.duration_s,
        "score": report.score,
        "max_score": report.max_score,
        "environment": _plain(dict(report.environment)),
        "warnings": list(report.warnings),
        "checks": [check_to_dict(c) for c in report.checks],
    }


def dumps(report: SubmissionReport) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write(report: SubmissionReport, path: Path) -> None:
    """Write atomically (a temporary file renamed), creating the folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(dumps(report))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
