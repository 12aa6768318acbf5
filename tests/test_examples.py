"""The example submissions, the reference and the template get their expected verdicts.

These run every check, training on California Housing included (the copy
bundled with the grader), so they are marked slow. They are part of CI.
"""

from __future__ import annotations

import pytest

from conftest import REFERENCE, SUBMISSIONS, TEMPLATE, grade, statuses

ALL = ("load", "mse.forward", "mse.backward", "mse.gradcheck", "linear.forward", "linear.backward",
       "linear.gradcheck", "context.isolation", "descent.manual", "train.batch", "train.sgd", "train.minibatch")

# Every check not listed must pass.
EXPECTED = {
    "alice": {},
    "bob": {"mse.backward": "failed", "mse.gradcheck": "failed"},
    "carol": {"linear.backward": "failed", "descent.manual": "failed"},
    "dave": {"mse.forward": "failed", "mse.backward": "failed", "mse.gradcheck": "failed"},
    "erin": {},
    "frank": {"context.isolation": "failed"},
    "grace": {"train.batch": "failed", "train.sgd": "failed", "train.minibatch": "failed"},
    "heidi": {"linear.forward": "failed", "linear.backward": "error", "linear.gradcheck": "error",
              "context.isolation": "error"},
    "ivan": {"load": "failed", "linear.forward": "skipped", "linear.backward": "skipped",
             "linear.gradcheck": "skipped", "context.isolation": "skipped"},
    "judy": {"mse.gradcheck": "failed"},
    "ken": {"descent.manual": "failed"},
    "leo": {"mse.backward": "failed", "mse.gradcheck": "failed"},
}

# A few words of the message or hints each failing example must show (the teaching part).
EXPLAINED = {
    "bob": ("mse.backward", "ignores grad_output"),
    "carol": ("linear.backward", "not summed over the batch"),
    "dave": ("mse.forward", "disagree"),
    "erin": ("mse.forward", ".mean()"),
    "frank": ("context.isolation", "outside the Context"),
    "heidi": ("linear.forward", "(W, X, b)"),
    "ivan": ("load", "found instead: linear"),
    "judy": ("mse.gradcheck", "gradcheck failed"),
    "ken": ("descent.manual", "diverged"),
    "leo": ("mse.backward", "torch.autograd.grad"),
}

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_submission_gets_its_expected_verdicts(name):
    report = grade(SUBMISSIONS / name)
    want = {check: EXPECTED[name].get(check, "passed") for check in ALL}
    assert statuses(report) == want
    assert report.score == sum(c.max_score for c in report.checks if c.id not in EXPECTED[name])
    if name in EXPLAINED:
        check_id, words = EXPLAINED[name]
        result = report.check(check_id)
        assert words in result.message + " ".join(result.hints)


def test_reference_gets_full_marks_on_all_twelve_checks():
    report = grade(REFERENCE)
    assert statuses(report) == {check: "passed" for check in ALL}
    assert report.score == report.max_score == 20
    batch = report.check("train.batch").details
    assert batch["mse"]["train"] <= batch["threshold"]["train"]
    assert len(batch["train_losses"]) == batch["n_epochs"]


def test_template_scores_zero_without_crashing():
    report = grade(TEMPLATE)
    assert report.score == 0
    assert report.check("load").status.value == "passed"
    assert {c.status.value for c in report.checks if c.id != "load"} == {"error"}
    assert all("not implemented yet" in c.message for c in report.checks if c.id != "load")


def test_grading_twice_gives_the_same_verdicts_and_numbers():
    first, second = grade(SUBMISSIONS / "grace"), grade(SUBMISSIONS / "grace")
    assert statuses(first) == statuses(second)
    for a, b in zip(first.checks, second.checks):
        assert a.score == b.score
        assert str(a.details.get("mse")) == str(b.details.get("mse"))  # nan != nan, their text is equal
