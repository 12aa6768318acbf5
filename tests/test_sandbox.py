"""The student process: timeouts, crashes, exits, import-time code, stand-ins, no side effects."""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path

import pytest

from conftest import child_processes_of_grader, grade, launcher_pids, statuses
from grader.sandbox.isolation import LEVELS, level_and_reason

MSE_CHECKS = ("mse.forward", "mse.backward", "mse.gradcheck")
LINEAR_CHECKS = ("linear.forward", "linear.backward")


def folder_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(params=["fresh", "warm"])
def launcher(request, warm_launcher):
    """Each of these tests runs with a fresh interpreter and with the class mode's warm launcher."""
    return warm_launcher if request.param == "warm" else None


def test_infinite_loop_in_backward_times_out_and_the_other_checks_still_run(make_submission, launcher,
                                                                             warm_launcher):
    sub = make_submission(tp1=[("        yhat, y = ctx.saved_tensors\n",
                                "        yhat, y = ctx.saved_tensors\n        while True:\n            pass\n")])
    start = time.monotonic()
    report = grade(sub, "load", "mse.forward", "mse.backward", *LINEAR_CHECKS, check_timeout_s=3, launcher=launcher)
    elapsed = time.monotonic() - start
    got = statuses(report)
    assert got["mse.forward"] == "passed"
    assert got["mse.backward"] == "timeout"
    assert "3 s" in report.check("mse.backward").message
    assert got["linear.forward"] == got["linear.backward"] == "passed"  # a fresh process took over
    assert elapsed < 30
    assert child_processes_of_grader(except_pids=launcher_pids(warm_launcher)) == []


def test_hard_exit_in_forward_is_an_error_of_that_check_only(make_submission, launcher):
    sub = make_submission(tp1=[("        ctx.save_for_backward(X, W, b)\n",
                                "        import os; os._exit(3)\n")])
    report = grade(sub, "load", *LINEAR_CHECKS, *MSE_CHECKS, launcher=launcher)
    got = statuses(report)
    assert got["linear.forward"] == "error"
    assert got["linear.backward"] == "skipped"  # it calls Linear.forward again: not run (issue 15, grader/hangs.py)
    assert "crashed" in report.check("linear.forward").message
    if launcher is None:
        assert "exit code 3" in report.check("linear.forward").message
    assert all(got[c] == "passed" for c in MSE_CHECKS)


def test_sys_exit_at_import_is_reported_by_load(make_submission):
    sub = make_submission(tp1=[("import torch\n", "import torch\nimport sys\nsys.exit(0)\n")])
    report = grade(sub, "load", "mse.forward")
    assert statuses(report) == {"load": "failed", "mse.forward": "skipped"}
    assert "SystemExit" in report.check("load").message
    assert "needs MSE in tp1.py" in report.check("mse.forward").message


@pytest.mark.slow
def test_import_time_training_is_bounded_and_other_files_still_grade(make_submission, launcher):
    sub = make_submission(tp1_descente=[("import torch\n", "import torch\nwhile True:\n    pass\n")])
    start = time.monotonic()
    # The load limit must cover the student's torch import on a loaded machine (parallel test workers)
    report = grade(sub, "load", "mse.forward", "descent.manual", load_timeout_s=25, launcher=launcher)
    assert time.monotonic() - start < 90
    got = statuses(report)
    assert got["load"] == "timeout"
    assert "tp1_descente.py" in report.check("load").message
    assert got["mse.forward"] == "passed"
    assert got["descent.manual"] == "skipped"


def test_missing_optional_modules_get_stand_ins_with_a_warning(make_submission, monkeypatch):
    monkeypatch.setenv("GRADER_FORCE_STANDINS", "1")  # as on a machine without the student-libs extra
    header = ("import torch\nimport matplotlib.pyplot as plt\nfrom icecream import ic\n"
              "from torch.utils.tensorboard import SummaryWriter\nfrom tqdm import tqdm\n"
              "writer = SummaryWriter()\nfor i in tqdm(range(2)):\n    writer.add_scalar('x', ic(i), i)\n"
              "fig, ax = plt.subplots()\n")
    sub = make_submission(tp1=[("import torch\n", header)])
    report = grade(sub, "load", "mse.forward")
    assert statuses(report) == {"load": "passed", "mse.forward": "passed"}
    assert [w.split()[0] for w in report.warnings] == ["matplotlib", "icecream", "tqdm"]  # tensorboard: by design


def test_a_module_that_does_not_exist_is_named(make_submission):
    sub = make_submission(tp1=[("import torch\n", "import torch\nimport notamodule_xyz\n")])
    report = grade(sub, "load")
    assert report.check("load").status.value == "failed"
    assert "notamodule_xyz" in report.check("load").message


def test_the_submission_folder_is_left_unchanged(make_submission, launcher):
    sub = make_submission(tp1=[("import torch\n", "import torch, os\nopen('written.txt', 'w').write('x')\n"
                                "os.makedirs('runs', exist_ok=True)\n")])
    before = folder_digest(sub)
    report = grade(sub, "load", "mse.forward", launcher=launcher)
    assert statuses(report)["load"] == "passed"
    assert folder_digest(sub) == before


def test_output_floods_do_not_reach_the_report(make_submission):
    sub = make_submission(tp1=[("        q = yhat.shape[0]\n        return",
                                "        q = yhat.shape[0]\n        print('passed ' * 100000)\n        return")])
    report = grade(sub, "load", "mse.forward")
    assert statuses(report) == {"load": "passed", "mse.forward": "passed"}


def test_hard_exit_at_import_is_a_load_error_that_names_the_file(make_submission, launcher):
    sub = make_submission(tp1_descente=[("import torch\n", "import torch\nimport os\nos._exit(0)\n")])
    report = grade(sub, "load", "mse.forward", "descent.manual", launcher=launcher)
    assert statuses(report) == {"load": "error", "mse.forward": "passed", "descent.manual": "skipped"}
    assert "while importing tp1_descente.py" in report.check("load").message


DATALOADER = [
    ("import torch\n", "import torch\nfrom torch.utils.data import DataLoader, TensorDataset\n"),
    ("        permutation = torch.randperm(len(x_train))\n"
     "        for debut in range(0, len(x_train), batch_size):\n"
     "            indices = permutation[debut:debut + batch_size]\n"
     "            loss = mse(linear(x_train[indices], w, b), y_train[indices])\n",
     "        loader = DataLoader(TensorDataset(x_train, y_train), batch_size=batch_size, shuffle=True,\n"
     "                            num_workers=2)\n"
     "        for xb, yb in loader:\n"
     "            loss = mse(linear(xb, w, b), yb)\n"),
]


@pytest.mark.slow
@pytest.mark.parametrize("level", LEVELS)
def test_dataloader_workers_get_what_multiprocessing_needs_at_every_level(make_submission, level, tmp_path,
                                                                         monkeypatch):
    """Issue 18: DataLoader(num_workers=2) needs a writable /dev/shm (semaphores, shared tensors) for the
    student's uid, and a few processes: a correct hand-in that uses it gets full marks. Also under a grader
    whose TMPDIR is long: multiprocessing's sockets there were past the 107-byte limit, and at ``none`` (the
    grader's TMPDIR passed on) the loader waited forever: it timed out in every run of the whole suite."""
    from grader.data import DataNotFound, find_data

    got, why = level_and_reason(level)
    if got != level:
        pytest.skip(f"the {level} sandbox level is not available here ({why})")
    try:
        find_data()
    except DataNotFound:
        pytest.skip("California Housing not found (set GRADER_DATA)")
    sub = make_submission(tp1_autograd=DATALOADER)
    long_tmp = tmp_path / ("t" * 90)
    long_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(long_tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    # A generous limit: this is about what multiprocessing needs, not speed (three processes passing batches
    # back and forth on a loaded test machine).
    report = grade(sub, "load", "train.minibatch", sandbox=level, training_timeout_s=200)
    assert report.environment["sandbox"] == level
    check = report.check("train.minibatch")
    assert check.status.value == "passed", check.message
    assert check.score == check.max_score > 0


@pytest.mark.skipif(os.geteuid() != 0, reason="dedicated uids need the grader to run as root")
def test_two_graders_never_give_the_same_uid_to_two_students():
    """The process limit counts per uid: two graders running at once (two pools) must not share one."""
    from grader.sandbox.isolation import UidPool

    first, second = UidPool(), UidPool()
    a, b = first.acquire(), second.acquire()
    try:
        assert a is not None and b is not None and a != b
        first.release(a)
        c = second.acquire()
        assert c == a  # released, so free again
        second.release(c)
    finally:
        first.release(a)
        second.release(b)
