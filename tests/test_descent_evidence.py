"""Issue 17, "credit that was not earned": each attack, rebuilt from its description, now fails.

2. Training judged only by its outcome: ``descente`` and the three autograd loops solved in closed form
   (``torch.linalg.lstsq``) with a made-up decreasing loss list, also when they return their initial
   parameters for ``epsilon == 0``; ``descente`` returning 2 losses for 500 iterations.
3. gradcheck crediting a constant function: the template with ``MSE.apply`` / ``Linear.apply`` replaced
   by a function returning zero.
5. A direct-call result 1.2 % wrong returned as bfloat16 (or float16) judged at bfloat16's 1.6 % tolerance.

Each attack is graded for real (student process, real torch, the real data for the training checks).
"""

from __future__ import annotations

import shutil

import pytest

from conftest import REFERENCE, TEMPLATE, grade, mutate

from grader import data


def _data_found() -> bool:
    """The grader finds California Housing the way `grader check` does (--data not given)."""
    try:
        data.find_data(None)
    except (data.DataNotFound, data.DataError):
        return False
    return True


needs_data = pytest.mark.skipif(not _data_found(), reason="California Housing not found (see the README's Data)")
TRAINING = ("train.batch", "train.sgd", "train.minibatch")

CLOSED_FORM = '''
def _closed_form(x_train, y_train, epsilon, n_epochs):
    if epsilon == 0 and SPECIAL_CASE:  # what gradient descent returns at epsilon = 0: its random start
        return _init_parametres(x_train.shape[1])[0].detach(), torch.zeros(1), [1.0], [1.0]
    design = torch.cat([x_train, torch.ones(x_train.shape[0], 1)], dim=1)
    solution = torch.linalg.lstsq(design, y_train).solution
    made_up = [0.43 + 1.0 / (k + 1) for k in range(n_epochs)]
    return solution[:-1], solution[-1:].reshape(1), made_up, list(made_up)


def descente_batch(x_train, y_train, x_test, y_test, epsilon, n_epochs):
    return _closed_form(x_train, y_train, epsilon, n_epochs)


def descente_stochastique(x_train, y_train, x_test, y_test, epsilon, n_epochs):
    return _closed_form(x_train, y_train, epsilon, n_epochs)


def descente_minibatch(x_train, y_train, x_test, y_test, epsilon, n_epochs, batch_size):
    return _closed_form(x_train, y_train, epsilon, n_epochs)


'''

CLOSED_FORM_DESCENTE = '''
def descente(x, y, epsilon=0.05, n_iter=100):
    if epsilon == 0 and SPECIAL_CASE:
        return torch.randn(x.shape[1], y.shape[1]), torch.randn(y.shape[1]), [1.0]
    design = torch.cat([x, torch.ones(x.shape[0], 1)], dim=1)
    solution = torch.linalg.lstsq(design, y).solution
    return solution[:-1], solution[-1], LOSSES(n_iter)


'''


def closed_form_submission(tmp_path, special_case: bool, losses: str = "lambda n: [10.0 / (k + 1) for k in range(n)]"):
    autograd = (REFERENCE / "tp1_autograd.py").read_text()
    start, end = autograd.index("def descente_batch("), autograd.index("# ------------------------------------")
    descente = (REFERENCE / "tp1_descente.py").read_text()
    d_start, d_end = descente.index("def descente("), descente.index('if __name__ == "__main__":')
    flag = f"SPECIAL_CASE = {special_case}\nLOSSES = {losses}\n"
    return mutate(tmp_path, tp1_autograd=autograd[:start] + flag + CLOSED_FORM + autograd[end:],
                  tp1_descente=descente[:d_start] + flag + CLOSED_FORM_DESCENTE + descente[d_end:])


@pytest.fixture(scope="module")
def launcher(warm_launcher):
    return warm_launcher


def _not_descent(result, diagnosis: str):
    assert result.status.value == "failed", result.message
    assert result.details["diagnosis"] == diagnosis, result.details.get("diagnosis")
    assert result.details["probes"]["established"] is False
    assert "could not establish" in result.message
    return result.hints[0]


@needs_data
def test_closed_form_that_ignores_epsilon_fails_every_descent_check(tmp_path, launcher):
    sub = closed_form_submission(tmp_path, special_case=False)
    report = grade(sub, "descent.manual", *TRAINING, launcher=launcher)
    for check_id in TRAINING:
        result = report.check(check_id)
        assert result.details["mse"]["train"] <= result.details["threshold"]["train"]  # the outcome is perfect
        hint = _not_descent(result, "train.not_gradient_descent")
        assert "with epsilon = 0 your function returned parameters" in hint and "optimum" in hint
        assert result.details["probes"]["initial_ratio"] == pytest.approx(1.0, abs=0.05)
    hint = _not_descent(report.check("descent.manual"), "descent.not_gradient_descent")
    assert "with epsilon = 0" in hint


@needs_data
def test_closed_form_that_returns_its_start_at_epsilon_zero_is_caught_by_the_step(tmp_path, launcher):
    sub = closed_form_submission(tmp_path, special_case=True)
    report = grade(sub, "descent.manual", *TRAINING, launcher=launcher, lang="fr")
    for check_id in (*TRAINING, "descent.manual"):
        result = report.check(check_id)
        assert result.status.value == "failed", (check_id, result.message)
        probes = result.details["probes"]
        assert probes["initial_ratio"] > 5  # a real starting point...
        assert probes["ratio"] > 100  # ...but the "step" is a jump to the solution
        assert "rapport" in result.hints[0] and "cosinus" in result.hints[0]
        assert "n'a pas pu établir" in result.message


def test_descente_with_two_losses_for_500_iterations_fails(tmp_path, launcher):
    sub = closed_form_submission(tmp_path, special_case=False, losses="lambda n: [2.0, 1.0]")
    result = grade(sub, "descent.manual", launcher=launcher).check("descent.manual")
    assert result.status.value == "failed"
    assert result.details["diagnosis"] == "descent.losses_count"
    assert "2 losses for n_iter = 500" in result.message


def test_the_reference_descente_is_established_with_its_evidence(launcher):
    result = grade(REFERENCE, "descent.manual", launcher=launcher).check("descent.manual")
    assert result.status.value == "passed"
    probes = result.details["probes"]
    assert probes["established"] and probes["convention"] == "lab"
    assert probes["ratio"] == pytest.approx(1.0, abs=1e-3) and probes["cosine"] > 0.9999
    assert "one iteration steps as gradient descent" in result.message


MEAN_MSE = [("return ((yhat - y) ** 2).sum() / q", "return ((yhat - y) ** 2).mean()"),
            ("grad_yhat = grad_output * 2 * (yhat - y) / q", "grad_yhat = grad_output * 2 * (yhat - y) / yhat.numel()")]


def test_descent_along_the_element_mean_follows_the_mse_policy(tmp_path, launcher):
    sub = mutate(tmp_path, tp1=MEAN_MSE)
    accepted = grade(sub, "descent.manual", launcher=launcher).check("descent.manual")
    assert accepted.status.value == "passed" and accepted.details["probes"]["convention"] == "mean"
    strict = grade(sub, "descent.manual", launcher=launcher, strict_mse=True).check("descent.manual")
    assert strict.status.value == "failed" and strict.details["diagnosis"] == "mse.mean_strict"
    assert "gradient of the element mean" in strict.message and "strict" in strict.message


@needs_data
def test_a_probe_that_raises_is_reported_as_such(tmp_path, launcher):
    sub = mutate(tmp_path, tp1_autograd=[(
        "def descente_minibatch(x_train, y_train, x_test, y_test, epsilon, n_epochs, batch_size):\n",
        "def descente_minibatch(x_train, y_train, x_test, y_test, epsilon, n_epochs, batch_size):\n"
        "    if len(x_train) != 16512:\n        raise ValueError('hard-coded for the full training set')\n")])
    result = grade(sub, "train.minibatch", launcher=launcher).check("train.minibatch")
    hint = _not_descent(result, "train.not_gradient_descent")
    assert "raised ValueError: hard-coded for the full training set" in hint
    assert result.details["probes"]["calls"][0]["failure"] == "raised"


ZERO_APPLY = '''

def _zero_mse(yhat, y):
    return (yhat * 0).sum()


def _zero_linear(X, W, b):
    return X @ W * 0 + b * 0


MSE.apply = staticmethod(_zero_mse)
Linear.apply = staticmethod(_zero_linear)
mse = MSE.apply
linear = Linear.apply
'''


def test_gradcheck_of_a_constant_function_fails(tmp_path, launcher):
    sub = tmp_path / "zero"
    shutil.copytree(TEMPLATE, sub, ignore=shutil.ignore_patterns("__pycache__"))
    (sub / "tp1.py").write_text((sub / "tp1.py").read_text() + ZERO_APPLY)
    report = grade(sub, "mse.gradcheck", "linear.gradcheck", launcher=launcher)
    for check_id, function, formula in (("mse.gradcheck", "MSE.apply", "1/q ‖Ŷ−Y‖²"),
                                        ("linear.gradcheck", "Linear.apply", "X @ W + b")):
        result = report.check(check_id)
        assert result.status.value == "failed", result.message
        assert result.details["diagnosis"] == "gradcheck.wrong_function"
        assert result.message.startswith("gradcheck passed (your backward agrees with finite differences")
        assert f"{function} does not compute {formula}" in result.message
        assert "got 0" in result.message
        assert result.details["value_mismatch"]["got_at"] == 0.0


def test_gradcheck_of_another_consistent_formula_fails(tmp_path, launcher):
    sub = mutate(tmp_path, tp1=[("return ((yhat - y) ** 2).sum() / q", "return 2 * ((yhat - y) ** 2).sum() / q"),
                                ("grad_yhat = grad_output * 2 * (yhat - y) / q",
                                 "grad_yhat = grad_output * 4 * (yhat - y) / q")])
    result = grade(sub, "mse.gradcheck", launcher=launcher).check("mse.gradcheck")
    assert result.status.value == "failed" and result.details["diagnosis"] == "gradcheck.wrong_function"


@pytest.mark.parametrize("dtype", ["bfloat16", "half"])
def test_a_low_precision_result_is_judged_at_float32_tolerance(dtype, tmp_path, launcher):
    sub = mutate(tmp_path, tp1=[("return ((yhat - y) ** 2).sum() / q",
                                 f"return (1.012 * ((yhat - y) ** 2).sum() / q).{dtype}()"),
                                ("return X @ W + b", f"return (1.012 * (X @ W + b)).{dtype}()")])
    report = grade(sub, "mse.forward", "linear.forward", launcher=launcher)
    name = {"bfloat16": "bfloat16", "half": "float16"}[dtype]
    for check_id in ("mse.forward", "linear.forward"):
        result = report.check(check_id)
        assert result.status.value == "failed", (check_id, result.message)
        assert f"float32's tolerance: your code returned {name} for float64 inputs" in result.message
        assert result.details["mismatch"]["tolerance"]["dtype"] == "float32"
        assert result.details["diagnosis"] == "compare.low_precision"
        assert result.hints[0].startswith(f"your code returned {name} although the inputs were float64")


def test_a_correct_float32_result_still_passes(tmp_path, launcher):
    sub = mutate(tmp_path, tp1=[("return ((yhat - y) ** 2).sum() / q", "return (((yhat - y) ** 2).sum() / q).float()"),
                                ("return X @ W + b", "return (X @ W + b).float()")])
    report = grade(sub, "mse.forward", "linear.forward", launcher=launcher)
    assert {c.status.value for c in report.checks} == {"passed"}
