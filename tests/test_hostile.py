"""Hostile submissions (tests/hostile_cases.py): the grader survives each one and is not fooled.

For every case: no internal error (the CLI would exit 0 or 1), a report valid against the schema,
a bounded run time, the expected verdicts with no credit for the sabotaged checks, no process left
behind, and the submission folder unchanged byte for byte. The whole suite runs at the strongest
sandbox level available (bwrap in CI); a subset runs again at the fallback levels.
"""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, child_processes_of_grader, grade, mutate, statuses
from hostile_cases import CASES, Case
from grader.sandbox.isolation import resolve_level

BEST = resolve_level("auto")
FALLBACK_CASES = {"os_exit_at_import", "fork_burst", "memory_bomb_in_forward", "shadowing_modules",
                  "reads_the_reference", "network", "patched_comparisons"}
SCHEMA = json.loads((ROOT / "grader" / "schema" / "report.schema.json").read_text())
TIME_BOUND_S = 90


def folder_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() + oct(p.stat().st_mode)
            for p in sorted(folder.rglob("*")) if p.is_file()}


class Listener:
    """A TCP server on 127.0.0.1 that records whatever reaches it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.received.append(conn.recv(100) or b"<connected>")
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join()
        self.sock.close()


def build(case: Case, tmp_path: Path) -> Path:
    sub = mutate(tmp_path, case.name, **case.edits)
    for name, text in case.extra_files.items():
        (sub / name).write_text(text)
    return sub


def run_case(case: Case, tmp_path: Path, level: str) -> None:
    if level not in case.levels:
        pytest.skip(f"the {level} level does not defend against: {case.threat}")
    sub = build(case, tmp_path)
    listener = Listener() if case.name == "network" else None
    if listener:
        (sub / "port.txt").write_text(str(listener.port))
    canary = tmp_path / "canary.json"
    canary.write_text('{"untouched": true}')
    before = folder_digest(sub)
    start = time.monotonic()
    report = grade(sub, *case.expected, sandbox=level, check_timeout_s=5, load_timeout_s=40)
    elapsed = time.monotonic() - start
    if listener:
        listener.close()
        assert listener.received == [], "the student process reached the network"

    assert not [c.id for c in report.checks if c.details.get("internal_error")]  # exit code 0 or 1, not 3
    from grader.reporters.json_report import to_dict
    jsonschema.validate(to_dict(report), SCHEMA)
    assert report.environment["sandbox"] == level
    assert elapsed < TIME_BOUND_S
    got = statuses(report)
    for check_id, expected in case.expected.items():
        allowed = (expected,) if isinstance(expected, str) else expected
        assert got[check_id] in allowed, f"{check_id}: {got[check_id]} ({report.check(check_id).message})"
    for check_id in case.sabotaged:
        assert report.check(check_id).score == 0
    assert child_processes_of_grader() == []
    assert folder_digest(sub) == before
    assert canary.read_text() == '{"untouched": true}'


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_submission_at_the_strongest_level(case, tmp_path):
    run_case(case, tmp_path, BEST)


FALLBACKS = [(c, lvl) for lvl in ("unshare", "none") if lvl != BEST for c in CASES if c.name in FALLBACK_CASES]


@pytest.mark.parametrize("case,level", FALLBACKS, ids=[f"{lvl}-{c.name}" for c, lvl in FALLBACKS])
def test_hostile_submission_at_a_fallback_level(case, level, tmp_path):
    if level == "unshare" and resolve_level("unshare") != "unshare":
        pytest.skip("unshare cannot create namespaces here")
    run_case(case, tmp_path, level)


def test_the_best_level_here_is_a_real_sandbox_when_bubblewrap_is_installed():
    import shutil

    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed (CI installs it)")
    assert BEST == "bwrap"


MIXED = ("os_exit_at_import", "fork_burst", "output_flood", "memory_bomb_in_forward", "segfault_in_forward",
         "patched_comparisons", "lying_tensor", "shadowing_modules", "vandal", "late_fixing_thread")
MIXED_CHECKS = ("load", "mse.forward", "mse.backward", "mse.gradcheck", "linear.forward", "linear.backward",
                "linear.gradcheck", "context.isolation", "descent.manual")


@pytest.mark.slow
def test_a_class_with_hostile_submissions_among_correct_ones(tmp_path):
    """The real CLI on a class folder: hostile submissions next to correct ones (warm launcher, 2 workers)."""
    klass = tmp_path / "class"
    klass.mkdir()
    cases = [c for c in CASES if c.name in MIXED and BEST in c.levels]
    for case in cases:
        build(case, klass)
    for i in range(3):
        mutate(klass, f"correct{i}")
    before = {p.name: folder_digest(p) for p in klass.iterdir()}
    only = [arg for check_id in MIXED_CHECKS for arg in ("--only", check_id)]
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "grader", "check", str(klass), "--out", str(tmp_path / "out"),
                           "--jobs", "2", *only], capture_output=True, text=True, timeout=600,
                          env={"NO_COLOR": "1", "COLUMNS": "100", "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    assert time.monotonic() - start < 300
    for i in range(3):
        report = json.loads((tmp_path / "out" / "students" / f"correct{i}.json").read_text())
        jsonschema.validate(report, SCHEMA)
        assert [c["status"] for c in report["checks"]] == ["passed"] * len(MIXED_CHECKS)
        assert report["score"] == report["max_score"] > 0
    for case in cases:
        report = json.loads((tmp_path / "out" / "students" / f"{case.name}.json").read_text())
        jsonschema.validate(report, SCHEMA)
        by_id = {c["id"]: c for c in report["checks"]}
        for check_id in case.sabotaged:
            assert by_id[check_id]["score"] == 0, case.name
    assert child_processes_of_grader() == []
    assert {p.name: folder_digest(p) for p in klass.iterdir()} == before
