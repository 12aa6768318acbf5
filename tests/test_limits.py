"""The sandbox's limits each stop what they are for: processes, the submission's time, bad settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import replace

import pytest

from conftest import REFERENCE, child_processes_of_grader, grade, mutate, statuses
from grader.sandbox.isolation import Limits

FORK_LOOP = '''import os, time
_n = 0
for _ in range(150):
    try:
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
    except OSError:
        break
    _n += 1
raise RuntimeError(f"forked {_n} children")
'''


@pytest.mark.skipif(os.geteuid() != 0, reason="the process limit is enforced under a dedicated uid (grader as root)")
@pytest.mark.parametrize("processes,stopped", [(32, True), (1000, False)])
def test_the_process_limit_stops_a_fork_loop(tmp_path, processes, stopped):
    sub = mutate(tmp_path, tp1=FORK_LOOP + (REFERENCE / "tp1.py").read_text())
    report = grade(sub, "load", "mse.forward", limits=replace(Limits(), processes=processes))
    assert report.environment["sandbox_details"]["dedicated_uid"]
    forked = int(re.search(r"forked (\d+) children", report.check("load").message).group(1))
    assert (forked < processes) if stopped else (forked == 150)
    assert statuses(report)["mse.forward"] == "skipped"
    assert child_processes_of_grader() == []


def test_the_submission_time_limit_stops_the_checks_left(tmp_path):
    sub = mutate(tmp_path, tp1=[("        yhat, y = ctx.saved_tensors\n",
                                 "        yhat, y = ctx.saved_tensors\n        while True:\n            pass\n")])
    start = time.monotonic()
    report = grade(sub, "load", "mse.forward", "mse.backward", "linear.forward", check_timeout_s=60,
                   submission_timeout_s=10)
    assert time.monotonic() - start < 25  # not the 60 s of the check's own limit
    got = statuses(report)
    assert got["load"] == got["mse.forward"] == "passed"
    assert got["mse.backward"] == got["linear.forward"] == "timeout"
    assert "10 s" in report.check("linear.forward").message
    assert child_processes_of_grader() == []


def test_an_unknown_sandbox_level_is_a_usage_error(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "GRADER_SANDBOX": "docker"}
    proc = subprocess.run([sys.executable, "-m", "grader", "check", str(REFERENCE), "--only", "load"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "GRADER_SANDBOX" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr
