"""Replies from the student process are hostile data: malformed, oversized or deeply nested replies, numbers
out of range, wrong types, are the student's `error`, parsed with limits, never a crash of the grader.

The student's code can write any bytes to the reply pipe; the end-to-end tests below use hand-ins that
do (tests/hostile_replies.py). The unit tests feed the parsers every shape of hostile reply directly.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import torch

from conftest import ROOT
from hostile_replies import FORGED_CHECKS, forged_load_submission, forging_submission
from grader.sandbox.errors import Doing, StudentProtocolError
from grader.sandbox.process import parse_reply
from grader.sandbox.session import parse_load_reply
from grader.sandbox.student import Opaque, decode

SCHEMA = json.loads((ROOT / "grader" / "schema" / "report.schema.json").read_text())


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=600)


@pytest.mark.parametrize("line", [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"ok": true, "result": {"value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
    b'{"ok": true, "result": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_000 + b"}",
    b"not json",
    b'{"ok": true, "result": "\xff\xfe"}',  # not UTF-8
    b'{"ok": true, "result": ' + b"9" * 5000 + b"}",  # more digits than int() takes
    b"[1, 2]",
    b'"a string"',
    b"",
])
def test_a_malformed_reply_line_is_a_protocol_error(line):
    with pytest.raises(StudentProtocolError):
        parse_reply(line)


def test_an_oversized_reply_is_refused_without_waiting_for_its_end(tmp_path):
    """65 MiB without a newline: refused once past the cap, not read to the end (there may be none)."""
    import threading

    from grader.sandbox.process import MAX_REPLY_BYTES, StudentProcess

    process = StudentProcess(tmp_path, tmp_path)
    read_end, write_end = os.pipe()
    process._resp_fd = read_end

    def flood() -> None:
        try:
            for _ in range(MAX_REPLY_BYTES // 2**20 + 2):
                os.write(write_end, b"[" * 2**20)
        except OSError:  # the grader closed its end
            pass
        finally:
            os.close(write_end)

    writer = threading.Thread(target=flood)
    writer.start()
    with pytest.raises(StudentProtocolError, match="larger than 64 MB"):
        process.receive(60, doing=Doing("calling", "MSE.forward", "tp1.MSE.forward"))
    process._close_pipes()  # (kill() does it for a real process; this one has no pid)
    writer.join(60)
    assert not writer.is_alive()


def _receive_after(tmp_path, lines: list[bytes]):
    """What ``receive`` makes of ``lines`` written on the reply pipe (a thread writes them)."""
    import threading

    from grader.sandbox.process import StudentProcess

    process = StudentProcess(tmp_path, tmp_path)
    read_end, write_end = os.pipe()
    process._resp_fd = read_end

    def write() -> None:
        try:
            for line in lines:
                view = memoryview(line)
                while view:
                    view = view[os.write(write_end, view):]
        except OSError:  # the grader closed its end
            pass
        finally:
            os.close(write_end)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        return process.receive(60, doing="calling MSE.forward")
    finally:
        process._close_pipes()
        writer.join(60)


FINAL = b'{"ok": true, "result": {"value": 1.0}}\n'


def test_a_large_progress_event_is_refused_before_it_is_parsed(tmp_path):
    """Progress events are a few bytes (the module being imported). A 16 MB one costs the grader a second of
    parsing with the GIL held, and a student can send them without end while a check runs: in a class run
    (threads) a classmate's checks then time out (red team: a correct hand-in lost linear.gradcheck)."""
    event = b'{"event": "importing", "pad": [' + b"0, " * (4 << 20) + b'0]}\n'
    with pytest.raises(StudentProtocolError, match="progress event"):
        _receive_after(tmp_path, [event, FINAL])


def test_a_flood_of_progress_events_is_refused(tmp_path):
    events = [b'{"event": "importing", "module": "tp1"}\n'] * 20_000
    with pytest.raises(StudentProtocolError, match="progress events"):
        _receive_after(tmp_path, [*events, FINAL])


def test_a_final_reply_after_a_few_events_is_read(tmp_path):
    events = [b'{"event": "importing", "module": "tp1"}\n'] * 3
    assert _receive_after(tmp_path, [*events, FINAL]) == {"value": 1.0}


def test_a_well_formed_reply_line_is_read():
    assert parse_reply(b'{"ok": true, "result": {"value": [1, NaN, "\\udcff"]}}')["result"]["value"][2] == "\udcff"


def nested(depth: int):
    value = 1.0
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("value", [
    10 ** 400,
    -(10 ** 30),
    2 ** 63,
    nested(1000),
    {"__seq__": {"kind": "tuple", "items": [nested(40)]}},
    {"__tensor__": {"dtype": "float64", "shape": [10 ** 12, 10 ** 12], "data": []}},
    {"__tensor__": {"dtype": "float64", "shape": [1] * 100, "data": [1.0]}},
    {"__tensor__": {"dtype": "float64", "shape": [-1], "data": []}},
    {"__tensor__": {"dtype": "float64", "shape": [2.0], "data": [1.0, 2.0]}},
    {"__tensor__": {"dtype": "float64", "shape": [True], "data": [1.0]}},
    {"__tensor__": {"dtype": "float64", "shape": [2], "data": [1.0]}},
    {"__tensor__": {"dtype": "float64", "shape": [1], "data": [10 ** 400]}},
    {"__tensor__": {"dtype": "int64", "shape": [1], "data": [float("nan")]}},
    {"__tensor__": {"dtype": "uint8", "shape": [1], "data": [300]}},
    {"__tensor__": {"dtype": "float64", "shape": [1], "data": ["1.0"]}},
    {"__tensor__": {"dtype": "float64", "shape": [1], "data": [[1.0]]}},
    {"__tensor__": {"dtype": "complex128", "shape": [1], "data": [1.0]}},
    {"__tensor__": {"dtype": "float64", "shape": "(1,)", "data": [1.0]}},
    {"__tensor__": "float64"},
    {"__handle__": 1},
    {"a": 1, "b": 2},
    {"__seq__": {"kind": "tuple", "items": "abc"}},
])
def test_a_hostile_value_is_a_protocol_error_not_a_grader_crash(value):
    with pytest.raises(StudentProtocolError):
        decode(value)


def test_values_the_child_sends_are_decoded():
    assert decode(2 ** 63 - 1) == 2 ** 63 - 1 and math.isnan(decode(float("nan")))
    assert decode({"__seq__": {"kind": "tuple", "items": [nested(20), None, "\udcff"]}})[2] == "\udcff"
    t = decode({"__tensor__": {"dtype": "float64", "shape": [2, 0], "data": []}})
    assert isinstance(t, torch.Tensor) and t.shape == (2, 0)
    t = decode({"__tensor__": {"dtype": "float32", "shape": [2], "data": [1e300, float("nan")]}})
    assert torch.isinf(t[0]) and torch.isnan(t[1])
    assert decode({"__object__": {"type": "x" * 10_000, "repr": ["not", "text"]}}) == Opaque("x" * 99 + "…", "")


@pytest.mark.parametrize("reply", [
    [],
    "text",
    {"modules": []},
    {"modules": {"tp1": []}},
    {"modules": {"tp1": {"ok": "yes"}}},
    {"modules": {"tp1": {"ok": True, "names": ["MSE"]}}},
    {"modules": {"tp1": {"ok": True, "names": {"MSE": ["class"]}}}},
    {"modules": {"tp1": {"ok": False, "error": "ImportError"}}},
    {"modules": {"tp1": {"ok": True, "duration_s": "1.0"}}},
    {"modules": {}, "warnings": "a warning"},
    {"modules": {}, "warnings": [["nested"]]},
])
def test_a_malformed_load_reply_is_a_protocol_error(reply):
    with pytest.raises(StudentProtocolError):
        parse_load_reply(reply)


def test_a_load_reply_is_read_with_bounds():
    error = {"type": ["ImportError"], "message": "m" * 10**6, "where": 3, "traceback": ["a", 2, "b" * 1000]}
    entries, warnings = parse_load_reply({
        "modules": {"tp1": {"ok": True, "names": {"MSE": "class", "x" * 300: "function"}, "duration_s": 10 ** 400},
                    "tp1_descente": {"ok": False, "error": error, "duration_s": float("nan")},
                    "other": "ignored"},
        "warnings": ["w" * 10_000] * 100})
    assert entries["tp1"] == {"ok": True, "names": {"MSE": "class"}, "error": None, "duration_s": 0.0}
    record = entries["tp1_descente"]["error"]
    assert record["type"] == "Error" and len(record["message"]) == 2000 and record["where"] is None
    assert [len(line) for line in record["traceback"]] == [1, 300]
    assert len(warnings) == 50 and all(len(w) == 500 for w in warnings)


def test_forged_replies_are_the_students_error_through_the_command_line(tmp_path):
    sub = forging_submission(tmp_path)
    out = tmp_path / "forger.json"
    only = [arg for check in ("load", *FORGED_CHECKS) for arg in ("--only", check)]
    proc = run_cli("check", str(sub), "--json", str(out), *only, cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # not 3: the grader did not fail
    assert "internal error" not in proc.stdout + proc.stderr and "Traceback" not in proc.stdout + proc.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(report, SCHEMA)
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["load"]["status"] == "passed"
    for check_id, forgery in FORGED_CHECKS.items():
        assert checks[check_id]["status"] == "error", (forgery, checks[check_id])
        assert "the student process sent a reply the grader refuses" in checks[check_id]["message"], forgery
        assert not checks[check_id]["details"].get("internal_error"), forgery
    assert "integer out of range" in checks["mse.forward"]["message"]
    assert "nested too deeply" in checks["mse.backward"]["message"]
    assert "tensor shape" in checks["linear.forward"]["message"]
    assert "not an object" in checks["descent.manual"]["message"]


def test_a_forged_load_reply_is_the_students_error_and_the_report_is_written(tmp_path):
    sub = forged_load_submission(tmp_path)
    out = tmp_path / "load.json"
    proc = run_cli("check", str(sub), "--json", str(out), "--only", "load", "--only", "mse.forward", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert not out.with_suffix(".error.txt").exists()
    report = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(report, SCHEMA)
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["load"]["status"] == "error"
    assert "reply to the load request that is not an object" in checks["load"]["message"]
    assert checks["mse.forward"]["status"] == "skipped"
