"""The sandbox's limits each stop what they are for: processes, the submission's time, bad settings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import replace

import pytest

from conftest import REFERENCE, child_processes_of_grader, grade, mutate, statuses
from grader.sandbox.isolation import Limits, resolve_level

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
    if report.environment["sandbox"] == "none" and not report.environment["sandbox_details"]["dedicated_uid"]:
        pytest.skip("at none, with Python out of an unprivileged uid's reach, the student runs as root (no limit)")
    assert report.environment["sandbox_details"]["dedicated_uid"]
    forked = int(re.search(r"forked (\d+) children", report.check("load").message).group(1))
    assert (forked < processes) if stopped else (forked == 150)
    assert statuses(report)["mse.forward"] == "skipped"
    assert child_processes_of_grader() == []


def test_the_submission_time_limit_stops_the_checks_left(tmp_path):
    # A sleep, not a busy loop: the wait must not take a core from the tests running beside this one.
    sub = mutate(tmp_path, tp1=[("        yhat, y = ctx.saved_tensors\n",
                                 "        yhat, y = ctx.saved_tensors\n        import time\n        time.sleep(3600)\n")])
    start = time.monotonic()
    # The submission's limit counts from the start, the student's torch import included: 75 s leaves room for
    # a loaded machine (tests run on parallel workers, a cold torch import in a fresh clone took over 30 s);
    # the check's own limit is far beyond it.
    report = grade(sub, "load", "mse.forward", "mse.backward", "linear.forward", check_timeout_s=600,
                   submission_timeout_s=75)
    assert time.monotonic() - start < 300  # not the 600 s of the check's own limit
    got = statuses(report)
    assert got["load"] == got["mse.forward"] == "passed", report.check("load").message
    assert got["mse.backward"] == got["linear.forward"] == "timeout"
    assert "75 s" in report.check("linear.forward").message
    assert child_processes_of_grader() == []


def test_an_unknown_sandbox_level_is_a_usage_error(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "GRADER_SANDBOX": "docker"}
    proc = subprocess.run([sys.executable, "-m", "grader", "check", str(REFERENCE), "--only", "load"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "GRADER_SANDBOX" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr


def _cli(tmp_path, *args, level="none", config=None):
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "COLUMNS": "200", "GRADER_SANDBOX": level}
    argv = [sys.executable, "-m", "grader", "check", str(REFERENCE), "--only", "load",
            "--json", str(tmp_path / "report.json"), *args]
    if config is not None:
        (tmp_path / "grader.toml").write_text(config)
        argv += ["--config", str(tmp_path / "grader.toml")]
    return subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("how", ["option", "config"])
def test_a_required_sandbox_level_refuses_to_grade_below_it(tmp_path, how):
    """--require-sandbox / [sandbox] require: one line, exit 2, nothing graded, a report saying why."""
    proc = (_cli(tmp_path, "--require-sandbox", "unshare") if how == "option"
            else _cli(tmp_path, config='[sandbox]\nrequire = "unshare"\n'))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    errors = [line for line in proc.stdout.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "weaker than the required unshare" in errors[0], proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr and "Score" not in proc.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert [c["status"] for c in report["checks"]] == ["skipped"]
    assert "weaker than the required unshare" in report["warnings"][0]


def test_a_required_level_that_the_machine_gives_grades(tmp_path):
    level = resolve_level("auto")
    if level == "none":
        pytest.skip("no sandbox level works here")
    proc = _cli(tmp_path, "--require-sandbox", level, level=level)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads((tmp_path / "report.json").read_text())["environment"]["sandbox"] == level
    assert "NOT PROTECTED" not in proc.stdout


def test_a_bad_required_level_is_a_usage_error(tmp_path):
    proc = _cli(tmp_path, config='[sandbox]\nrequire = "docker"\n')
    assert proc.returncode == 2 and "sandbox.require" in proc.stdout, proc.stdout
    proc = _cli(tmp_path, "--require-sandbox", "docker")
    assert proc.returncode == 2 and "--require-sandbox" in proc.stdout, proc.stdout


def test_the_terminal_says_in_red_what_the_none_level_does_not_protect(tmp_path):
    from rich.console import Console

    from grader.reporters import terminal

    report = grade(REFERENCE, "load", sandbox="none")
    gaps = report.environment["sandbox_details"]["unprotected"]
    assert {"files", "network", "processes"} <= set(gaps)
    console = Console(record=True, force_terminal=True, color_system="standard", width=200)
    terminal.render(report, console)
    ansi = console.export_text(styles=True)
    red = [line for line in ansi.splitlines() if "\x1b[31m" in line or "\x1b[1;31m" in line]
    assert any("NOT PROTECTED" in line for line in red)
    assert any("network" in line for line in red)


@pytest.mark.skipif(os.geteuid() != 0, reason="dedicated uids need the grader to run as root")
def test_every_sandbox_level_runs_the_student_under_a_dedicated_uid_with_nothing_unprotected():
    """Issue 17: at unshare too, even with Python under /root (pyenv), the student gets a dedicated uid."""
    for level in ("bwrap", "unshare"):
        if resolve_level(level) != level:
            continue
        details = grade(REFERENCE, "load", sandbox=level).environment["sandbox_details"]
        assert details["dedicated_uid"] and details["uid"] >= 64000, (level, details)
        assert details["unprotected"] == [], (level, details)


@pytest.mark.skipif(os.geteuid() != 0, reason="dedicated uids exist only when the grader runs as root")
def test_a_uid_is_handed_out_again_only_once_nothing_of_the_last_student_runs_under_it():
    """What a submission left behind under its uid (a fork loop's children) would count towards the next
    student's process limit: clear_uid kills it before the uid is used again (UidPool.acquire calls it)."""
    from grader.sandbox.isolation import UID_BASE, UID_SLOTS, _pids_of, clear_uid

    uid = UID_BASE + UID_SLOTS - 1  # the last slot: no test grades that many submissions at once
    left = [subprocess.Popen(["sleep", "600"], user=uid, group=uid, start_new_session=True) for _ in range(3)]
    try:
        assert len(_pids_of(uid)) >= 3
        assert clear_uid(uid) >= 3
        assert _pids_of(uid) == []
        assert all(p.wait(timeout=5) == -9 for p in left)
    finally:
        for p in left:
            p.kill()
            p.wait()


@pytest.mark.skipif(os.geteuid() != 0, reason="dedicated uids exist only when the grader runs as root")
def test_a_uid_whose_last_processes_will_not_go_is_not_handed_out(monkeypatch):
    """Processes killed with their PID namespace can take longer to go than clear_uid waits (a fork loop's
    children on a loaded machine): the pool then hands out another uid rather than one whose process count
    would stop the next student's interpreter from starting its threads. (The kernel's slow teardown is
    simulated: a process that SIGKILL does not end cannot be made on purpose.)"""
    from grader.sandbox import isolation

    first = isolation.UidPool()
    probe = first.acquire()  # the uid this pool would hand out first
    first.release(probe)
    monkeypatch.setattr(isolation, "clear_uid", lambda uid, wait_s=2.0: 1 if uid == probe else 0)
    monkeypatch.setattr(isolation, "_pids_of", lambda uid: [12345] if uid == probe else [])
    pool = isolation.UidPool()
    got = pool.acquire()
    try:
        assert got is not None and got != probe
    finally:
        pool.release(got)


@pytest.mark.skipif(os.geteuid() != 0, reason="dedicated uids exist only when the grader runs as root")
def test_a_dying_uid_is_skipped_without_a_lock_file_too(monkeypatch):
    """Without a place for lock files (``_lock_uid`` gives -1), skipping a uid must not close descriptor -1 (an
    OSError that cost that student's grading: red team, round 3)."""
    from grader.sandbox import isolation

    monkeypatch.setattr(isolation, "_lock_uid", lambda uid: -1)
    monkeypatch.setattr(isolation, "clear_uid", lambda uid, wait_s=2.0: 1 if uid == isolation.UID_BASE else 0)
    monkeypatch.setattr(isolation, "_pids_of", lambda uid: [12345] if uid == isolation.UID_BASE else [])
    pool = isolation.UidPool()
    assert pool.acquire() == isolation.UID_BASE + 1

