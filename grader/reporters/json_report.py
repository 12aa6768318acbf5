"""The JSON report: our schema, ``grader/schema/report.schema.json``."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from grader.model import CheckResult, SubmissionReport
from grader.reporters.common import atomic_write
from grader.text import storable_data

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
        "visibility": check.visibility.value,
    }


def to_dict(report: SubmissionReport) -> dict[str, Any]:
    return {
        "schema_version": report.schema_version,
        "grader_version": report.grader_version,
        "submission": {"path": report.submission.path, "name": report.submission.name,
                       "files": dict(report.submission.files),
                       **({"lms_id": report.submission.lms_id} if report.submission.lms_id is not None else {})},
        "started_at": report.started_at,
        "duration_s": report.duration_s,
        "score": report.score,
        "max_score": report.max_score,
        "environment": _plain(dict(report.environment)),
        "warnings": list(report.warnings),
        "checks": [check_to_dict(c) for c in report.checks],
        "withheld": {"checks": report.withheld.checks, "max_score": report.withheld.max_score},
    }


def dumps(report: SubmissionReport) -> str:
    """Strict JSON in strict UTF-8, whatever strings the report holds: a lone surrogate (a file name that
    is not UTF-8, an exception message) is written as its escape, the text ``\\udcff``."""
    return json.dumps(storable_data(to_dict(report)), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write(report: SubmissionReport, path: Path) -> None:
    """Write atomically (a temporary file renamed), creating the folder if needed."""
    atomic_write(path, dumps(report))


def from_dict(data: Any) -> SubmissionReport:
    """The inverse of :func:`to_dict`: a report read back from its JSON (e.g. for ``grader merge``).

    The data is validated first, against ``SCHEMA_PATH`` with ``jsonschema`` when it is installed
    (a test dependency), else by a minimal structural check; a bad file raises :class:`ValueError`
    naming the field (``checks[1].status: 'ok' is not one of [...]``). The ``score`` and
    ``max_score`` written in the file must agree with its checks (the report recomputes them).
    Non-finite numbers in ``details``/``environment`` stay the strings ``"nan"``/``"inf"`` the
    file holds, so ``to_dict(from_dict(d)) == d`` for a report of this version. A 1.0 report (no
    ``visibility``, no ``withheld``) loads with every check visible and nothing withheld.
    """
    from grader.model import SubmissionInfo, Status, Visibility, Withheld

    problem = _validation_problem(data)
    if problem:
        raise ValueError(f"not a valid grader report: {problem}")
    checks = tuple(
        CheckResult(id=c["id"], name=c["name"], status=Status(c["status"]), score=c["score"],
                    max_score=c["max_score"], message=c["message"], duration_s=c["duration_s"],
                    details=dict(c["details"]), hints=tuple(c["hints"]),
                    visibility=Visibility(c.get("visibility", "visible")))
        for c in data["checks"]
    )
    withheld = data.get("withheld") or {}
    sub = data["submission"]
    report = SubmissionReport(
        grader_version=data["grader_version"],
        submission=SubmissionInfo(path=sub["path"], name=sub["name"], files=dict(sub["files"]),
                                  lms_id=sub.get("lms_id")),
        started_at=data["started_at"],
        duration_s=data["duration_s"],
        environment=dict(data["environment"]),
        checks=checks,
        warnings=tuple(data["warnings"]),
        schema_version=data["schema_version"],
        withheld=Withheld(int(withheld.get("checks", 0)), float(withheld.get("max_score", 0.0))),
    )
    for key in ("score", "max_score"):
        if not math.isclose(getattr(report, key), data[key], rel_tol=0, abs_tol=1e-6):
            raise ValueError(f"not a valid grader report: {key}: the file says {data[key]!r} but its checks "
                             f"add up to {getattr(report, key)!r}")
    return report


def _schema() -> dict[str, Any]:
    global _SCHEMA_CACHE
    if _SCHEMA_CACHE is None:
        _SCHEMA_CACHE = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return _SCHEMA_CACHE


_SCHEMA_CACHE: dict[str, Any] | None = None


def _where(path: Any) -> str:
    """``["checks", 1, "status"]`` -> ``checks[1].status``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _validation_problem(data: Any) -> str | None:
    """What is wrong with ``data`` as a report (field path and reason), or None."""
    try:
        import jsonschema
    except ImportError:
        return _structural_problem(data)
    validator_cls = jsonschema.validators.validator_for(_schema())
    error = jsonschema.exceptions.best_match(validator_cls(_schema()).iter_errors(data))
    if error is None:
        return None
    path = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [k for k in error.validator_value if k not in error.instance]
        if missing:
            return f"{_where(path + [missing[0]])}: missing"
    return f"{_where(path)}: {error.message}"


def _structural_problem(data: Any) -> str | None:
    """A minimal check when jsonschema is not installed: the fields :func:`from_dict` reads, their types."""
    from grader.model import Status

    def is_number(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    def check_fields(obj: Any, path: list, spec: dict[str, Any]) -> str | None:
        if not isinstance(obj, dict):
            return f"{_where(path)}: expected an object, got {type(obj).__name__}"
        for key, kind in spec.items():
            where = _where(path + [key])
            if key not in obj:
                return f"{where}: missing"
            value = obj[key]
            if kind == "number":
                if not is_number(value) or not math.isfinite(value) or value < 0:
                    return f"{where}: expected a non-negative number, got {value!r}"
            elif kind == "str_list":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    return f"{where}: expected a list of strings, got {value!r}"
            elif not isinstance(value, kind):
                expected = {dict: "an object", str: "a string", list: "a list"}[kind]
                return f"{where}: expected {expected}, got {value!r}"
        return None

    top = {"schema_version": str, "grader_version": str, "submission": dict, "started_at": str,
           "duration_s": "number", "score": "number", "max_score": "number", "environment": dict,
           "warnings": "str_list", "checks": list}
    problem = check_fields(data, [], top)
    if problem:
        return problem
    if not data["schema_version"].startswith("1."):
        return f"schema_version: unsupported version {data['schema_version']!r} (this grader reads 1.x)"
    problem = check_fields(data["submission"], ["submission"], {"path": str, "name": str, "files": dict})
    if problem:
        return problem
    statuses = [s.value for s in Status]
    check_spec = {"id": str, "name": str, "status": str, "score": "number", "max_score": "number",
                  "message": str, "hints": "str_list", "details": dict, "duration_s": "number"}
    for i, check in enumerate(data["checks"]):
        problem = check_fields(check, ["checks", i], check_spec)
        if problem:
            return problem
        if check["status"] not in statuses:
            return f"{_where(['checks', i, 'status'])}: {check['status']!r} is not one of {statuses}"
        if check.get("visibility", "visible") not in ("visible", "hidden"):
            return f"{_where(['checks', i, 'visibility'])}: {check['visibility']!r} is not one of visible, hidden"
    return None
