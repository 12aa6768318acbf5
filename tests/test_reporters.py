"""Reporters on hand-built reports: they render, validate and never compute."""

import io
import re
import json

import jsonschema
import pytest
from rich.console import Console

from grader.model import CheckResult, Status, SubmissionInfo, SubmissionReport
from grader.reporters import json_report, terminal


def make_report(**changes) -> SubmissionReport:
    checks = (
        CheckResult("load", "Import the submission", Status.PASSED, 0, 0, "imported", 0.5),
        CheckResult("mse.backward", "MSE backward", Status.FAILED, 0, 2,
                    "grad_yhat: mismatched elements 12 / 12", 0.1,
                    {"mismatch": {"max_abs_diff": 0.7, "tolerance": {"rtol": 1e-7, "atol": 1e-7}}},
                    ("your backward ignores grad_output",)),
        CheckResult("linear.forward", "Linear forward", Status.ERROR, 0, 2, "Linear.forward raised ValueError", 0.1,
                    {"exception": "ValueError"}),
        CheckResult("descent.manual", "Manual descent", Status.TIMEOUT, 0, 2, "no answer within 20 s", 20.0),
        CheckResult("train.batch", "Batch", Status.SKIPPED, 0, 2, "skipped: no data", 0.0),
        CheckResult("train.sgd", "SGD", Status.PASSED, 2, 2, "train MSE 0.44", 3.0,
                    {"train_losses": [5.0, 1.0, 0.5, float("nan")], "mse": {"train": float("inf")}}),
    )
    fields = dict(
        grader_version="0.1.0",
        submission=SubmissionInfo("submissions/x", "x", {"tp1.py": "0" * 64}),
        started_at="2026-11-24T03:00:00+00:00",
        duration_s=12.5,
        environment={"python": "3.11", "torch": "2.13.0", "numpy": "2", "platform": "linux", "sandbox": "none",
                     "seeds": {"seed": 0}, "data_source": None, "data_problem": "no data found"},
        checks=checks,
        warnings=("matplotlib is not installed here",),
    )
    fields.update(changes)
    return SubmissionReport(**fields)


def schema():
    return json.loads(json_report.SCHEMA_PATH.read_text())


def test_json_report_validates_against_the_schema_and_is_strict_json():
    text = json_report.dumps(make_report())
    data = json.loads(text)  # strict: nan/inf were turned into strings
    assert "NaN" not in text and "Infinity" not in text
    jsonschema.validate(data, schema())
    assert data["score"] == 2 and data["max_score"] == 10
    assert [c["status"] for c in data["checks"]] == ["passed", "failed", "error", "timeout", "skipped", "passed"]
    assert data["checks"][1]["hints"] == ["your backward ignores grad_output"]
    assert data["checks"][5]["details"]["train_losses"][-1] == "nan"


def test_schema_rejects_an_unknown_status():
    data = json.loads(json_report.dumps(make_report()))
    data["checks"][0]["status"] = "ok"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema())


def test_write_creates_the_folder(tmp_path):
    path = tmp_path / "deep" / "r.json"
    json_report.write(make_report(), path)
    assert json.loads(path.read_text())["submission"]["name"] == "x"
    assert list(path.parent.iterdir()) == [path]  # no temporary file left


def render(report, **console_args) -> str:
    out = io.StringIO()
    console = Console(file=out, width=120, **console_args)
    terminal.render(report, console)
    return out.getvalue()


def test_terminal_report_shows_statuses_points_hints_and_total_without_colour(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    text = render(make_report(), force_terminal=True)
    assert "\x1b[3" not in text  # no colour codes (bold may remain)
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    for word in ("passed", "failed", "error", "timeout", "skipped"):
        assert word in text
    assert "0/2" in text and "2/2" in text
    assert "your backward ignores grad_output" in text
    assert "Score 2 / 10" in text
    assert "no data found" in text
    assert "matplotlib is not installed here" in text


def test_terminal_report_when_not_a_tty_has_no_escape_codes():
    text = render(make_report(), force_terminal=False)
    assert "\x1b" not in text
    assert "mse.backward" in text and "loss █" in text


def test_sparkline_scales_from_zero():
    assert terminal.sparkline([4.0, 2.0, 1.0]) == "█▅▃"
    assert terminal.sparkline([1.0]) == ""
    assert terminal.sparkline([float("nan"), 1.0, 1.0]) == "██"
