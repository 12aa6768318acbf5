"""`grader doctor`: what this machine gives the grader, through the real command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT


def doctor(tmp_path: Path, **env: str) -> tuple[int, str]:
    environment = {**os.environ, "COLUMNS": "250", "NO_COLOR": "1", **env}
    environment.pop("GRADER_DATA", None) if "GRADER_DATA" not in env else None
    proc = subprocess.run([sys.executable, "-m", "grader", "doctor", str(tmp_path)], capture_output=True,
                          text=True, env=environment, cwd=tmp_path, timeout=300)
    return proc.returncode, proc.stdout + proc.stderr


def test_a_machine_that_can_grade_says_so_and_exits_0(tmp_path):
    code, out = doctor(tmp_path)
    assert code == 0, out
    for needle in ("Python", "3.11", "torch", "2.13.0", "sandbox", "data", "bundled with the grader",
                   "20640 rows", "cores", "Grading can run on this machine."):
        assert needle in out, needle
    assert "Traceback" not in out


def test_the_none_level_is_a_warning_listing_what_is_not_protected(tmp_path):
    code, out = doctor(tmp_path, GRADER_SANDBOX="none")
    assert code == 0, out
    assert "none (GRADER_SANDBOX=none)" in out
    assert "can use the network" in out and "unprotected" in out and "--require-sandbox" in out


def test_missing_bubblewrap_is_named_with_the_command_that_installs_it(tmp_path):
    """A PATH without bwrap: the level falls back, and the remedy says how to get bwrap."""
    if shutil.which("unshare") is None:
        pytest.skip("util-linux unshare is not installed")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("unshare", "sh"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    code, out = doctor(tmp_path, PATH=str(bin_dir))
    assert code == 0, out
    assert "bwrap is not installed" in out and "apt-get install bubblewrap" in out


def test_unusable_data_fails_and_exits_1(tmp_path):
    code, out = doctor(tmp_path, GRADER_DATA=str(tmp_path / "nowhere.data"))
    assert code == 1, out
    assert "fail" in out and "nowhere.data" in out and "Grading cannot run properly here" in out


def test_a_bad_sandbox_variable_fails(tmp_path):
    code, out = doctor(tmp_path, GRADER_SANDBOX="docker")
    assert code == 1 and "GRADER_SANDBOX" in out and "unknown sandbox level" in out


def test_the_configuration_that_applies_is_shown(tmp_path):
    """A course folder with its grader.toml and two hand-ins: the file applies to each hand-in."""
    (tmp_path / "grader.toml").write_text("seed = 3\n")
    for name in ("alice", "bob"):
        (tmp_path / "submissions" / name).mkdir(parents=True)
        shutil.copy(ROOT / "reference" / "tp1.py", tmp_path / "submissions" / name / "tp1.py")
    proc = subprocess.run([sys.executable, "-m", "grader", "doctor", str(tmp_path / "submissions" / "alice")],
                          capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "200"}, timeout=300)
    assert proc.returncode == 0
    assert str(tmp_path / "grader.toml") in proc.stdout.replace("\n", "")
