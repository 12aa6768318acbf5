"""A backward that asks autograd for its gradients fails backward and gradcheck (``backward.uses_autograd``),
whichever autograd entry point it uses; a hand-written one never does (the reference, every example
submission, hand-written styles); ``[integrity] autograd_in_backward = "warn"`` keeps the points and warns.

Every case is graded for real: the student process records what autograd was asked while the student's
backward was on the stack (grader/sandbox/autograd_watch.py), the grader decides (grader/integrity/autograd.py).
"""

from __future__ import annotations

import pytest

from autograd_tricks import HAND_WRITTEN, TRICKS
from conftest import REFERENCE, SUBMISSIONS, grade, mutate, statuses

from grader.integrity.autograd import parse

JUDGED = ("mse.backward", "mse.gradcheck", "linear.backward", "linear.gradcheck")


def _flags(report) -> dict[str, list]:
    return {c.id: c.details.get("autograd_in_backward") for c in report.checks
            if c.details.get("autograd_in_backward")}


@pytest.mark.parametrize("trick", sorted(TRICKS))
def test_each_autograd_trick_is_flagged_with_what_was_seen(trick, tmp_path, warm_launcher):
    edits, via = TRICKS[trick]
    report = grade(mutate(tmp_path, tp1=edits), *JUDGED, launcher=warm_launcher)
    function = "Linear" if trick == "linear" else "MSE"
    prefix = function.lower()
    other = "mse" if prefix == "linear" else "linear"
    assert statuses(report) == {f"{prefix}.backward": "failed", f"{prefix}.gradcheck": "failed",
                                f"{other}.backward": "passed", f"{other}.gradcheck": "passed"}
    for check_id in (f"{prefix}.backward", f"{prefix}.gradcheck"):
        result = report.check(check_id)
        assert result.details["diagnosis"] == "backward.uses_autograd"
        seen = result.details["autograd_in_backward"][0]
        assert seen["function"] == f"{function}.backward" and seen["via"] == via
        assert seen["where"].startswith("tp1.py:")
        assert via in result.hints[0] and "hand-written" in result.hints[0]
        assert result.score == 0
    assert report.warnings == () or not any("autograd" in w for w in report.warnings)


def test_warn_mode_keeps_the_points_and_warns(tmp_path, warm_launcher):
    report = grade(mutate(tmp_path, tp1=TRICKS["autograd_grad"][0]), *JUDGED, launcher=warm_launcher,
                   autograd_in_backward="warn")
    assert set(statuses(report).values()) == {"passed"}
    assert report.check("mse.backward").details["integrity"] == "warn"
    assert "torch.autograd.grad" in " ".join(report.check("mse.backward").hints)
    assert [w for w in report.warnings if "MSE.backward uses autograd" in w]


def test_the_french_hint(tmp_path, warm_launcher):
    report = grade(mutate(tmp_path, tp1=TRICKS["tensor_backward"][0]), "mse.backward", launcher=warm_launcher,
                   lang="fr")
    assert "à la main" in report.check("mse.backward").hints[0]


@pytest.mark.parametrize("style", sorted(HAND_WRITTEN))
def test_hand_written_backwards_are_not_flagged(style, tmp_path, warm_launcher):
    report = grade(mutate(tmp_path, tp1=HAND_WRITTEN[style]), *JUDGED, launcher=warm_launcher)
    assert _flags(report) == {}
    assert set(statuses(report).values()) == {"passed"}, statuses(report)


FLAGGED_EXAMPLES = {"leo"}  # submissions/leo: MSE.backward calls torch.autograd.grad


@pytest.mark.parametrize("name", ["reference", *sorted(p.name for p in SUBMISSIONS.iterdir()
                                                       if p.is_dir() and p.name not in FLAGGED_EXAMPLES)])
def test_no_example_submission_is_flagged(name, warm_launcher):
    path = REFERENCE if name == "reference" else SUBMISSIONS / name
    report = grade(path, *JUDGED, "descent.manual", "context.isolation", launcher=warm_launcher)
    assert _flags(report) == {}
    assert not any(c.details.get("diagnosis") == "backward.uses_autograd" for c in report.checks)


def test_the_example_leo_is_flagged(warm_launcher):
    report = grade(SUBMISSIONS / "leo", *JUDGED, launcher=warm_launcher)
    assert statuses(report) == {"mse.backward": "failed", "mse.gradcheck": "failed", "linear.backward": "passed",
                                "linear.gradcheck": "passed"}
    assert report.check("mse.backward").details["autograd_in_backward"][0]["where"].startswith("tp1.py:")


def test_a_training_loop_calling_loss_backward_is_not_the_backward(tmp_path, warm_launcher):
    """The student's own loops call loss.backward(): the engine runs, but no student backward is above it."""
    report = grade(REFERENCE, "train.sgd", "mse.backward", launcher=warm_launcher)
    assert _flags(report) == {}


@pytest.mark.parametrize("reply", [None, [], {"findings": "x"}, {"findings": [{"function": 1}]},
                                   {"findings": [{"function": "MSE.backward", "via": "x" * 10_000, "where": "w"}]}])
def test_a_hostile_integrity_reply_is_read_as_data(reply):
    found = parse(reply)
    assert all(len(f.via) <= 200 for f in found)
    assert len(found) <= 1
