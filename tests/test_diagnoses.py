"""Every mistake of the diagnosis catalogue, seeded into a copy of ``reference/``, fails the right check and
shows its specific hint, in English and in French.

Each case: (diagnosis id, check id, expected status, edits to the reference, grading settings). The grader
recognises the mistake from what the code returns (never from its source); the JSON details keep the id.
"""

from __future__ import annotations

import pytest

from conftest import grade, mutate

from grader.i18n import catalogue

MSE_FWD = "return ((yhat - y) ** 2).sum() / q"
MSE_BWD = "grad_yhat = grad_output * 2 * (yhat - y) / q"
MSE_RET = "return grad_yhat, -grad_yhat"
SAVE_MSE = ("        ctx.save_for_backward(yhat, y)\n", "        MSE.saved = (yhat, y)\n")
LOAD_MSE = ("        yhat, y = ctx.saved_tensors\n", "        yhat, y = MSE.saved\n")
LIN_B = "grad_b = grad_output.sum(dim=0).reshape(b.shape)"
STEP = "            param -= epsilon * param.grad\n"

CASES = {
    # MSE
    "mse.ignores_grad_output": ("mse.backward", "failed", {"tp1": [(MSE_BWD, "grad_yhat = 2 * (yhat - y) / q")]}),
    "mse.missing_factor_2": ("mse.backward", "failed", {"tp1": [(MSE_BWD, "grad_yhat = grad_output * (yhat - y) / q")]}),
    "mse.mean_forward_only": ("mse.forward", "failed", {"tp1": [(MSE_FWD, "return ((yhat - y) ** 2).mean()")]}),
    "mse.mean_backward_only": ("mse.backward", "failed", {"tp1": [
        (MSE_BWD, "grad_yhat = grad_output * 2 * (yhat - y) / yhat.numel()")]}),
    "mse.mean_strict": ("mse.forward", "failed", {"tp1": [
        (MSE_FWD, "return ((yhat - y) ** 2).mean()"),
        (MSE_BWD, "grad_yhat = grad_output * 2 * (yhat - y) / yhat.numel()")]}, {"strict_mse": True}),
    "mse.mean_backward_unavailable": ("mse.forward", "failed", {"tp1": [
        (MSE_FWD, "return ((yhat - y) ** 2).mean()"), (MSE_BWD, "raise NotImplementedError\n        grad_yhat = 0")]}),
    "mse.sum": ("mse.forward", "failed", {"tp1": [(MSE_FWD, "return ((yhat - y) ** 2).sum()")]}),
    "mse.backward_not_normalised": ("mse.backward", "failed", {"tp1": [
        (MSE_BWD, "grad_yhat = grad_output * 2 * (yhat - y)")]}),
    "mse.not_squared": ("mse.forward", "failed", {"tp1": [(MSE_FWD, "return (yhat - y).abs().sum() / q")]}),
    "mse.unreduced": ("mse.forward", "failed", {"tp1": [(MSE_FWD, "return (yhat - y) ** 2")]}),
    "mse.per_column": ("mse.forward", "failed", {"tp1": [(MSE_FWD, "return ((yhat - y) ** 2).sum(0) / q")]}),
    "mse.swapped": ("mse.backward", "failed", {"tp1": [(MSE_RET, "return -grad_yhat, grad_yhat")]}),
    "mse.y_wrong_sign": ("mse.backward", "failed", {"tp1": [(MSE_RET, "return grad_yhat, grad_yhat")]}),
    "mse.y_none": ("mse.backward", "failed", {"tp1": [(MSE_RET, "return grad_yhat, None")]}),
    "mse.wrong_number_of_gradients": ("mse.backward", "failed", {"tp1": [(MSE_RET, "return grad_yhat")]}),
    "mse.input_mutated": ("mse.backward", "failed", {"tp1": [
        (MSE_FWD, "d = yhat.detach()\n        d -= y.detach()\n        return (d ** 2).sum() / q")]}),
    # gradcheck, on the grader's own Jacobians
    "gradcheck.ignores_grad_output": ("mse.gradcheck", "failed", {"tp1": [
        (MSE_BWD, "grad_yhat = 2 * (yhat - y) / q")]}),
    "gradcheck.constant_factor": ("mse.gradcheck", "failed", {"tp1": [
        (MSE_BWD, "grad_yhat = grad_output * 3 * (yhat - y) / q")]}),
    "gradcheck.input_factor": ("linear.gradcheck", "failed", {"tp1": [
        ("grad_W = X.T @ grad_output", "grad_W = 2 * X.T @ grad_output")]}),
    "gradcheck.float32_cast": ("mse.gradcheck", "failed", {"tp1": [
        ("ctx.save_for_backward(yhat, y)\n        q", "yhat, y = yhat.float(), y.float()\n"
                                                    "        ctx.save_for_backward(yhat, y)\n        q")]}),
    "gradcheck.wrong_function": ("linear.gradcheck", "failed", {"tp1": [  # a constant passes gradcheck alone
        ("linear = Linear.apply", "Linear.apply = staticmethod(lambda X, W, b: X @ W * 0 + b * 0)\n"
                                  "linear = Linear.apply")]}),
    "gradcheck.not_its_own": ("mse.gradcheck", "failed", {"tp1": [  # torch's autograd in place of .apply
        (MSE_BWD, "grad_yhat = grad_output * 3 * (yhat - y) / q"),
        ("mse = MSE.apply", "MSE.apply = staticmethod(lambda yhat, y: ((yhat - y) ** 2).sum() / len(yhat))\n"
                            "mse = MSE.apply")]}),
    # direct calls
    "compare.low_precision": ("mse.forward", "failed", {"tp1": [(MSE_FWD, "return (((yhat - y) ** 2).sum() / q).bfloat16()")]}),
    # Linear
    "linear.grad_b_not_summed": ("linear.backward", "failed", {"tp1": [(LIN_B, "grad_b = grad_output")]}),
    "linear.grad_b_keepdim": ("linear.backward", "failed", {"tp1": [(LIN_B, "grad_b = grad_output.sum(0, keepdim=True)")]}),
    "linear.grad_b_ignores_grad_output": ("linear.backward", "failed", {"tp1": [
        (LIN_B, "grad_b = torch.ones_like(grad_output).sum(0)")]}),
    "linear.grad_w_transposed": ("linear.backward", "failed", {"tp1": [
        ("grad_W = X.T @ grad_output", "grad_W = grad_output.T @ X")]}),
    "linear.grad_x_transposed": ("linear.backward", "failed", {"tp1": [
        ("grad_X = grad_output @ W.T", "grad_X = W @ grad_output.T")]}),
    "linear.grads_x_w_swapped": ("linear.backward", "failed", {"tp1": [
        ("return grad_X, grad_W, grad_b", "return grad_W, grad_X, grad_b")]}),
    "linear.wrong_number_of_gradients": ("linear.backward", "failed", {"tp1": [
        ("return grad_X, grad_W, grad_b", "return grad_X, grad_W")]}),
    "linear.shape_error": ("linear.backward", "error", {"tp1": [
        ("grad_X = grad_output @ W.T", "grad_X = grad_output @ W")]}),
    "linear.argument_order": ("linear.forward", "failed", {"tp1": [
        ("def forward(ctx, X, W, b):", "def forward(ctx, W, X, b):")]}),
    "linear.shape_error_forward": ("linear.forward", "failed", {"tp1": [("return X @ W + b", "return X @ W.T + b")]}),
    "linear.no_bias": ("linear.forward", "failed", {"tp1": [("return X @ W + b", "return X @ W")]}),
    # Context
    "context.shared_state": ("context.isolation", "failed", {"tp1": [SAVE_MSE, LOAD_MSE]}),
    "context.input_mutated": ("mse.forward", "error", {"tp1": [
        (MSE_FWD, "yhat -= y\n        return (yhat ** 2).sum() / q")]}),
    "context.no_gradients": ("context.isolation", "failed", {"tp1": [(MSE_RET, "return None, None")]}),
    "context.saved_mutated": ("context.isolation", "failed", {"tp1": [
        (MSE_BWD, "d = yhat.detach()\n        d -= y.detach()\n        grad_yhat = grad_output * 2 * d / q")]}),
    # manual descent
    "descent.diverged": ("descent.manual", "failed", {"tp1_descente": [
        ("w = w - epsilon * grad_w", "w = w + epsilon * grad_w"), ("b = b - epsilon * grad_b", "b = b + epsilon * grad_b")]}),
    "descent.no_progress": ("descent.manual", "failed", {"tp1_descente": [
        ("w = w - epsilon * grad_w", "w = w"), ("b = b - epsilon * grad_b", "b = b")]}),
    "descent.bias_not_updated": ("descent.manual", "failed", {"tp1_descente": [
        ("b = b - epsilon * grad_b", "b = b")]}),
    "descent.grad_b_not_summed": ("descent.manual", "failed", {"tp1": [(LIN_B, "grad_b = grad_output")]}),
    "descent.losses_missing": ("descent.manual", "failed", {"tp1_descente": [("losses.append(loss.item())", "pass")]}),
    "descent.losses_count": ("descent.manual", "failed", {"tp1_descente": [
        ("losses.append(loss.item())", "losses.append(loss.item()) if len(losses) < 2 else None")]}),
    "descent.not_gradient_descent": ("descent.manual", "failed", {"tp1_descente": [(
        "    n, p = x.shape[1], y.shape[1]\n",
        "    n, p = x.shape[1], y.shape[1]\n    if epsilon > 0:  # closed form; a real loop only where epsilon = 0\n"
        "        sol = torch.linalg.lstsq(torch.cat([x, torch.ones(len(x), 1)], 1), y).solution\n"
        "        return sol[:-1], sol[-1], [10.0 / (k + 1) for k in range(n_iter)]\n")]}),
    # load
    "load.misnamed": ("load", "failed", {"tp1_descente": [("def descente(", "def descente_gradient(")]}),
    "load.missing_module": ("load", "failed", {"tp1": [("import torch\n", "import torch\nimport nosuchmodule_xyz\n")]}),
}

TRAINING = {
    "train.not_gradient_descent": ("train.sgd", "failed", {"tp1_autograd": [(
        "    w, b = _init_parametres(x_train.shape[1])\n    train_losses, test_losses = [], []\n\n"
        "    for _ in range(n_epochs):\n        # tolist()",
        "    sol = torch.linalg.lstsq(torch.cat([x_train, torch.ones(len(x_train), 1)], 1), y_train).solution\n"
        "    return sol[:-1], sol[-1:].reshape(1), [1.0] * n_epochs, [1.0] * n_epochs\n"
        "    w, b = _init_parametres(x_train.shape[1])\n    train_losses, test_losses = [], []\n\n"
        "    for _ in range(n_epochs):\n        # tolist()")]}),
    "train.too_few_steps": ("train.sgd", "failed", {"tp1_autograd": [(
        "        for i in torch.randperm(len(x_train)).tolist():\n",
        "        for i in torch.randperm(len(x_train)).tolist()[:1000]:  # left from debugging\n")]}),
    "train.bias_not_updated": ("train.minibatch", "failed", {"tp1_autograd": [
        ("_pas_de_gradient((w, b), epsilon)", "_pas_de_gradient((w,), epsilon)")]}),
    "train.grads_accumulate": ("train.batch", "failed", {"tp1_autograd": [("            param.grad.zero_()\n", "")]}),
    "train.wrong_sign": ("train.batch", "failed", {"tp1_autograd": [(STEP, "            param += epsilon * param.grad\n")]}),
    "train.no_update": ("train.minibatch", "failed", {"tp1_autograd": [
        (STEP, "            param.clone().sub_(epsilon * param.grad)\n")]}),
    "train.grad_none": ("train.sgd", "error", {"tp1_autograd": [
        (STEP, "            param = param - epsilon * param.grad\n")]}),
    "train.diverged": ("train.batch", "failed", {"tp1_autograd": [
        ("loss = mse(linear(x_train, w, b), y_train)", "loss = mse(linear(x_train, w, b), y_train) * len(x_train)")]}),
    "train.update_outside_no_grad": ("train.batch", "error", {"tp1_autograd": [
        ("    with torch.no_grad():\n        for param in params:\n            param -= epsilon * param.grad\n"
         "            param.grad.zero_()\n",
         "    for param in params:\n        param -= epsilon * param.grad\n        param.grad.zero_()\n")]}),
    "train.returned_initial_params": ("train.batch", "failed", {"tp1_autograd": [
        ("    return w, b, train_losses, test_losses\n\n\ndef descente_stochastique",
         "    return w0, b0, train_losses, test_losses\n\n\ndef descente_stochastique"),
        ("    w, b = _init_parametres(x_train.shape[1])\n    train_losses, test_losses = [], []\n\n"
         "    for _ in range(n_epochs):\n        loss = mse(",
         "    w, b = _init_parametres(x_train.shape[1])\n    w0, b0 = w.detach().clone(), b.detach().clone()\n"
         "    train_losses, test_losses = [], []\n\n    for _ in range(n_epochs):\n        loss = mse(")]}),
}


@pytest.fixture
def launcher(warm_launcher):
    return warm_launcher


def hint_prefix(diagnosis: str, lang: str) -> str:
    """The hint's text up to its first parameter: what the student must see, whatever the numbers."""
    template = catalogue(lang)["hint." + diagnosis]
    return template.split("{")[0]


def assert_diagnosed(diagnosis, case, tmp_path, launcher):
    check_id, status, edits, *settings = case
    diagnosis = diagnosis.removesuffix("_forward")  # a second case of the same diagnosis
    sub = mutate(tmp_path, **edits)
    for lang in ("en", "fr"):
        report = grade(sub, check_id, launcher=launcher, lang=lang, **(settings[0] if settings else {}))
        result = report.check(check_id)
        assert result.status.value == status, (lang, result.message, result.hints)
        assert result.details.get("diagnosis") == diagnosis, (lang, result.message, result.details.get("diagnosis"))
        assert any(h.startswith(hint_prefix(diagnosis, lang)) for h in result.hints), (lang, result.hints)
        assert result.name == catalogue(lang)[f"check.{check_id}"]


@pytest.mark.parametrize("diagnosis", sorted(CASES))
def test_mistake_is_diagnosed_in_both_languages(diagnosis, tmp_path, launcher):
    assert_diagnosed(diagnosis, CASES[diagnosis], tmp_path, launcher)


@pytest.mark.parametrize("diagnosis", sorted(TRAINING))
def test_training_mistake_is_diagnosed_in_both_languages(diagnosis, tmp_path, launcher):
    assert_diagnosed(diagnosis, TRAINING[diagnosis], tmp_path, launcher)


def test_the_reference_has_no_diagnosis(launcher):
    from conftest import NON_TRAINING, REFERENCE

    report = grade(REFERENCE, *NON_TRAINING, launcher=launcher, lang="fr")
    assert all(c.status.value == "passed" and "diagnosis" not in c.details and not c.hints for c in report.checks)
    assert report.environment["lang"] == "fr"


def test_every_hint_of_the_catalogue_is_tested_or_listed_as_generic():
    """A diagnosis without a seeded mistake must be named here, with why."""
    untested = {  # generic or only reachable by variants of a tested mistake
        "mse.ignores_grad_output_y_none", "mse.signed", "mse.norm_not_squared", "mse.unreduced_over_q",
        "mse.per_column_mean", "mse.per_row", "mse.normalised_by_p", "linear.bias_subtracted", "linear.grad_b_mean",
        "linear.grads_ignore_grad_output", "descent.wrong_return", "descent.not_converged",
        "descent.losses_not_decreasing", "train.wrong_return", "train.not_converged",
        "load.missing_file", "load.import_timeout", "load.not_a_submission",
        "context.inplace_modified",  # torch's version-counter error: a saved tensor modified before backward
        "timeout.endless_loop",  # any timeout; seeded with a 3 s limit in test_first_minutes_checks.py
        "backward.uses_autograd",  # one hand-in per autograd trick in tests/test_integrity_autograd.py
        # the script form of descent.manual: tested on recorded trajectories in tests/test_descent_script.py
        # and on the example hand-ins in tests/test_script_examples.py
        "script.no_loop", "script.no_linear_forward", "script.shapes", "script.shape_changed", "script.data_changed",
        "script.one_iteration", "script.no_update", "script.diverged", "script.uphill", "script.not_gradient",
        "script.wrong_scale", "script.not_decreasing",
    }
    hints = {key.removeprefix("hint.") for key in catalogue("en") if key.startswith("hint.")}
    tested = {name.removesuffix("_forward") for name in (*CASES, *TRAINING)}
    assert hints - tested == untested
