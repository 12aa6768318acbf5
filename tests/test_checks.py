"""Every check fails on a submission with a typical mistake and passes on the reference.

Mutants are copies of ``reference/`` with one seeded mistake (see conftest.mutate).
Training checks are covered in test_examples.py (they need the real data).
"""

from __future__ import annotations

import pytest

from conftest import NON_TRAINING, REFERENCE, grade, statuses


@pytest.fixture(scope="module")
def reference_report():
    return grade(REFERENCE, *NON_TRAINING)


def test_reference_passes_every_non_training_check(reference_report):
    assert statuses(reference_report) == {c: "passed" for c in NON_TRAINING}


# (check id, edits to reference, expected status, words the message or hints must contain)
MUTANTS = {
    "mse_sum": ("mse.forward", {"tp1": [("return ((yhat - y) ** 2).sum() / q", "return ((yhat - y) ** 2).sum()")]},
                "failed", ["expected ", "divide the sum of squares by q"]),
    "mse_unreduced": ("mse.forward", {"tp1": [("return ((yhat - y) ** 2).sum() / q", "return (yhat - y) ** 2 / q")]},
                      "failed", ["expected a scalar, shape (), got shape (5, 1)", "the MSE is a scalar"]),
    "mse_mean_both": ("mse.forward", {"tp1": [("return ((yhat - y) ** 2).sum() / q", "return ((yhat - y) ** 2).mean()"),
                                              ("grad_yhat = grad_output * 2 * (yhat - y) / q",
                                               "grad_yhat = grad_output * 2 * (yhat - y) / yhat.numel()")]},
                      "passed", ["accepted", ".mean()"]),
    "mse_mean_forward_only": ("mse.forward", {"tp1": [("return ((yhat - y) ** 2).sum() / q",
                                                       "return ((yhat - y) ** 2).mean()")]},
                              "failed", ["disagree"]),
    "mse_backward_ignores_grad_output": ("mse.backward", {"tp1": [("grad_yhat = grad_output * 2 * (yhat - y) / q",
                                                                   "grad_yhat = 2 * (yhat - y) / q")]},
                                         "failed", ["ignores grad_output", "2.7×"]),
    "mse_backward_y_none": ("mse.backward", {"tp1": [("return grad_yhat, -grad_yhat", "return grad_yhat, None")]},
                            "failed", ["grad_y", "None"]),
    "mse_backward_one_gradient": ("mse.backward", {"tp1": [("return grad_yhat, -grad_yhat", "return grad_yhat")]},
                                  "failed", ["must return 2 gradients"]),
    "mse_backward_missing_2": ("mse.backward", {"tp1": [("grad_yhat = grad_output * 2 * (yhat - y) / q",
                                                         "grad_yhat = grad_output * (yhat - y) / q")]},
                               "failed", ["missing factor 2"]),
    "mse_gradcheck_wrong_backward": ("mse.gradcheck", {"tp1": [("grad_yhat = grad_output * 2 * (yhat - y) / q",
                                                                "grad_yhat = grad_output * 3 * (yhat - y) / q")]},
                                     "failed", ["gradcheck failed", "Jacobian mismatch"]),
    "mse_gradcheck_float32": ("mse.gradcheck", {"tp1": [("ctx.save_for_backward(yhat, y)\n        q",
                                                         "yhat, y = yhat.float(), y.float()\n"
                                                         "        ctx.save_for_backward(yhat, y)\n        q")]},
                              "failed", ["gradcheck"]),
    "linear_no_bias": ("linear.forward", {"tp1": [("return X @ W + b", "return X @ W")]},
                       "failed", ["mismatched elements", "bias b is not added"]),
    "linear_forward_transposed_w": ("linear.forward", {"tp1": [("return X @ W + b", "return X @ W.T + b")]},
                                    "failed", ["raised RuntimeError"]),
    "linear_backward_grad_b_unsummed": ("linear.backward", {"tp1": [
        ("grad_b = grad_output.sum(dim=0).reshape(b.shape)", "grad_b = grad_output")]},
        "failed", ["grad_b: expected shape (4,), got shape (5, 4)", "not summed over the batch"]),
    "linear_backward_grad_w_transposed": ("linear.backward", {"tp1": [("grad_W = X.T @ grad_output",
                                                                       "grad_W = (X.T @ grad_output).T")]},
                                          "failed", ["grad_W: expected shape (3, 4), got shape (4, 3)",
                                                     "grad_W is transposed"]),
    "linear_backward_keepdim": ("linear.backward", {"tp1": [("grad_b = grad_output.sum(dim=0).reshape(b.shape)",
                                                             "grad_b = grad_output.sum(dim=0, keepdim=True)")]},
                                "failed", ["shape (1, p)"]),
    "linear_gradcheck_wrong_grad_w": ("linear.gradcheck", {"tp1": [("grad_W = X.T @ grad_output",
                                                                    "grad_W = 2 * X.T @ grad_output")]},
                                      "failed", ["gradcheck failed"]),
    "context_global_state": ("context.isolation", {"tp1": [
        ("        ctx.save_for_backward(X, W, b)\n", "        Linear.saved = (X, W, b)\n"),
        ("        X, W, b = ctx.saved_tensors\n", "        X, W, b = Linear.saved\n")]},
        "failed", ["Linear", "outside the Context"]),
    "descent_wrong_sign": ("descent.manual", {"tp1_descente": [("w = w - epsilon * grad_w", "w = w + epsilon * grad_w"),
                                                               ("b = b - epsilon * grad_b", "b = b + epsilon * grad_b")]},
                           "failed", ["diverged"]),
    "descent_no_update": ("descent.manual", {"tp1_descente": [("w = w - epsilon * grad_w", "w = w"),
                                                              ("b = b - epsilon * grad_b", "b = b")]},
                          "failed", ["> threshold", "update"]),
    "descent_losses_not_recorded": ("descent.manual", {"tp1_descente": [("losses.append(loss.item())", "pass")]},
                                    "failed", ["losses"]),
    # a file not handed in is listed, not a failure of load (issue 12): only the checks needing it are skipped
    "load_missing_file": ("load", {}, "passed", ["tp1_autograd.py was not handed in"]),
    "load_misnamed_function": ("load", {"tp1_descente": [("def descente(", "def descente_gradient(")]},
                               "failed", ["defines no `descente`", "descente_gradient"]),
}


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_mutant(name, make_submission, warm_launcher):
    check_id, edits, status, words = MUTANTS[name]
    sub = make_submission(**edits)
    if name == "load_missing_file":
        (sub / "tp1_autograd.py").unlink()
    report = grade(sub, check_id, launcher=warm_launcher)
    result = report.check(check_id)
    assert result.status.value == status, result.message
    text = result.message + " " + " ".join(result.hints)
    for word in words:
        assert word in text, f"{word!r} not in {text!r}"
    assert result.score == (result.max_score if status == "passed" else 0)


def test_strict_mse_rejects_the_element_mean(make_submission):
    sub = make_submission(tp1=MUTANTS["mse_mean_both"][1]["tp1"])
    report = grade(sub, "mse.forward", "mse.backward", strict_mse=True)
    assert statuses(report) == {"mse.forward": "failed", "mse.backward": "failed"}
    assert "strict" in report.check("mse.forward").message


def test_mean_convention_backward_is_accepted_by_default(make_submission):
    sub = make_submission(tp1=MUTANTS["mse_mean_both"][1]["tp1"])
    report = grade(sub, "mse.backward", "mse.gradcheck")
    assert statuses(report) == {"mse.backward": "passed", "mse.gradcheck": "passed"}
    assert report.check("mse.backward").details["convention"] == "mean"


def test_not_implemented_is_an_error_that_says_so(make_submission):
    sub = make_submission(tp1=[("        X, W, b = ctx.saved_tensors\n",
                                "        raise NotImplementedError('TODO')\n")])
    report = grade(sub, "linear.backward")
    result = report.check("linear.backward")
    assert result.status.value == "error"
    assert "Linear.backward is not implemented yet" in result.message
