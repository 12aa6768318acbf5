"""Files a hand-in shapes to stop the grader's own process (red team, round 2): what the student's code leaves
in its working copy, a notebook line made to make a regular expression crawl, configuration files that are
links. The grader reads such files in its own process, outside every time limit: it must read them safely
(grader/handin/safe_read.py) or not at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from conftest import REFERENCE, mutate

# The lab's script form (no ``descente``), which replaces itself in the working copy once imported: the grader
# reads that file afterwards, to tell the script form from a misnamed function.
BECOMES_A_FIFO = "import os\n_p = os.path.abspath(__file__)\nos.remove(_p)\nos.mkfifo(_p)\n"
BECOMES_DEV_ZERO = "import os\n_p = os.path.abspath(__file__)\nos.remove(_p)\nos.symlink('/dev/zero', _p)\n"
SCRIPT = "x = 1\nfor n_iter in range(3):\n    x = x - 0.1 * x\n"


@pytest.mark.parametrize("trick", [BECOMES_A_FIFO, BECOMES_DEV_ZERO], ids=["fifo", "link_to_dev_zero"])
def test_what_the_students_code_leaves_in_its_copy_cannot_stop_the_grader(trick, tmp_path):
    """A FIFO made the grader wait forever in open() (no report); a link to /dev/zero made it read until its
    memory ran out (exit 3, no report). Now the file reads as one that defines nothing: the run ends, with
    its report."""
    sub = mutate(tmp_path, tp1_descente=trick + SCRIPT)
    out = tmp_path / "report.json"
    proc = subprocess.run([sys.executable, "-m", "grader", "check", str(sub), "--only", "load,mse.forward",
                           "--json", str(out)], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode in (0, 1), proc.stdout[-2000:] + proc.stderr[-2000:]
    report = json.loads(out.read_text())
    assert {c["id"]: c["status"] for c in report["checks"]} == {"load": "passed", "mse.forward": "passed"}
    assert "Traceback" not in proc.stdout + proc.stderr


def test_a_notebook_line_cannot_make_the_ipython_filter_crawl(tmp_path):
    """A code cell of one line of 200,000 spaces took minutes (the time grew as its square): the class run
    stalled and every classmate's checks timed out. The filter now makes one pass over a line."""
    from grader.handin.notebook import convert, is_ipython

    line = " " * 200_000
    start = time.monotonic()
    assert not is_ipython(line) and not is_ipython("a" + line + "b")
    notebook = tmp_path / "TME1.ipynb"
    notebook.write_text(json.dumps({"cells": [{"cell_type": "code", "source": [line + "\n", "x = 1\n"]}],
                                    "nbformat": 4, "nbformat_minor": 5, "metadata": {}}))
    body, record = convert(notebook, "tme1")
    assert record.cells == 1 and "x = 1" in body
    assert time.monotonic() - start < 30  # it took over a minute with 60,000 spaces before
    assert is_ipython("files = !ls") and is_ipython("t = %time f()") and is_ipython("a, b = !ls")
    assert not is_ipython("x = 1 % 2") and not is_ipython("s = '!'")


def test_configuration_files_of_the_hand_in_that_are_links_are_never_read(tmp_path):
    """A ``pyproject.toml`` of the hand-in that is a link was followed and read as root (a link to /proc/kmsg
    would block forever): a link in the hand-in is never read. A ``grader.toml`` link is still named as a
    configuration the grader ignored (without reading it)."""
    from grader.config.search import search

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "pyproject.toml").write_text("[tool.grader]\npass_mark = 0\n")
    os.mkfifo(outside / "fifo")
    handin = mutate(tmp_path, "handin")
    (handin / "pyproject.toml").symlink_to(outside / "pyproject.toml")
    (handin / "grader.toml").symlink_to(outside / "fifo")
    found = search(handin)
    assert found.ignored == (handin / "grader.toml",)
    assert found.file is None or not found.file.is_relative_to(handin)


def test_a_safe_read_takes_only_a_regular_file_within_its_limit(tmp_path):
    from grader.handin.safe_read import read_regular

    (tmp_path / "f.py").write_bytes(b"x = 1\n")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "zero").symlink_to("/dev/zero")
    (tmp_path / "link.py").symlink_to(tmp_path / "f.py")
    assert read_regular(tmp_path / "f.py") == b"x = 1\n"
    assert read_regular(tmp_path / "f.py", limit=3) is None
    assert read_regular(tmp_path / "fifo") is None  # would block in open()
    assert read_regular(tmp_path / "zero") is None and read_regular(tmp_path / "zero", follow_links=True) is None
    assert read_regular(tmp_path / "link.py") is None
    assert read_regular(tmp_path / "link.py", follow_links=True) == b"x = 1\n"
    assert read_regular(tmp_path / "missing.py") is None
    assert read_regular(REFERENCE / "tp1.py") == (REFERENCE / "tp1.py").read_bytes()
