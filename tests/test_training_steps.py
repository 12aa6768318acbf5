"""The training checks count the graded call's steps (red team, issue 15).

The probes see one epoch on a few hundred rows; a loop that stops early or ignores ``n_epochs`` can still end
under the noisy SGD and mini-batch thresholds. The student process counts the backward passes autograd ran
during the graded call, and an SGD or mini-batch loop that ran fewer than three quarters of the steps fails
(``train.too_few_steps``). Batch descent and loops whose steps autograd did not drive are not judged on it
(the second red team's false failures). Real student processes, real data.
"""

from __future__ import annotations

from conftest import REFERENCE, grade, mutate, statuses

SGD_ROWS = "        for i in torch.randperm(len(x_train)).tolist():\n"
MB_EPOCHS = "    for _ in range(n_epochs):\n        permutation = torch.randperm(len(x_train))\n"
TRAINING = ("load", "train.batch", "train.sgd", "train.minibatch")


def test_a_correct_loop_runs_every_step_and_passes(warm_launcher):
    report = grade(REFERENCE, *TRAINING, launcher=warm_launcher)
    assert statuses(report) == dict.fromkeys(TRAINING, "passed")
    steps = {c.id: c.details["steps"] for c in report.checks if c.id != "load"}
    assert steps == {"train.batch": {"counted": 200, "expected": 200},  # one per epoch
                     "train.sgd": {"counted": 4000, "expected": 4000},  # one per row handed over
                     "train.minibatch": {"counted": 1032, "expected": 1032}}  # 516 batches of 32, 2 epochs


def test_an_sgd_loop_that_stops_after_1000_rows_fails(tmp_path, warm_launcher):
    """Red team: it ends at 0.5760 / 0.5840, under the 0.7800 / 0.7722 thresholds, and steps as gradient
    descent on the probes' 512 rows."""
    sub = mutate(tmp_path, tp1_autograd=[(SGD_ROWS, SGD_ROWS.replace(".tolist():", ".tolist()[:1000]:"))])
    report = grade(sub, "load", "train.sgd", launcher=warm_launcher)
    check = report.check("train.sgd")
    assert check.status.value == "failed", check.message
    assert check.details["diagnosis"] == "train.too_few_steps"
    assert check.details["steps"] == {"counted": 1000, "expected": 4000}
    assert check.details["mse"]["train"] <= check.details["threshold"]["train"]  # the MSE alone would pass it
    assert "ran 1000 backward passes where one call makes 4000 steps (one per row: 4000 rows × 1 epoch(s))" \
        in check.message


def test_a_minibatch_loop_that_ignores_n_epochs_fails(tmp_path, warm_launcher):
    sub = mutate(tmp_path, tp1_autograd=[(MB_EPOCHS, MB_EPOCHS.replace("range(n_epochs)", "range(1)"))])
    report = grade(sub, "load", "train.minibatch", launcher=warm_launcher, lang="fr")
    check = report.check("train.minibatch")
    assert check.status.value == "failed"
    assert check.details["steps"] == {"counted": 516, "expected": 1032}  # 516 batches of 32 per epoch
    assert "un par paquet de 32 : 516 paquets × 2 époques" in check.message


def test_a_loop_that_holds_some_rows_out_still_passes(tmp_path, warm_launcher):
    """A fifth of the rows left out (a validation part of the student's own): 80 % of the steps, not failed."""
    sub = mutate(tmp_path, tp1_autograd=[(SGD_ROWS, "        n = len(x_train) * 4 // 5\n"
                                          "        for i in torch.randperm(n).tolist():\n")])
    report = grade(sub, "load", "train.sgd", launcher=warm_launcher)
    check = report.check("train.sgd")
    assert check.status.value == "passed", check.message
    assert check.details["steps"] == {"counted": 3200, "expected": 4000}


EARLY_STOP = ("        test_losses.append(_evaluer(w, b, x_test, y_test))\n\n    return w, b, train_losses, test_losses\n\n\n"
              "def descente_stochastique(")
SGD_STEP = ("            loss = mse(linear(x_train[i:i + 1], w, b), y_train[i:i + 1])\n            loss.backward()\n"
            "            _pas_de_gradient((w, b), epsilon)\n")


def test_a_batch_loop_that_stops_once_converged_is_not_judged_on_its_steps(tmp_path, warm_launcher):
    """Red team: it stops at epoch 132 of 200 at the optimum; the batch margin (5 %) already asks for convergence."""
    stop = ("        test_losses.append(_evaluer(w, b, x_test, y_test))\n"
            "        if len(train_losses) > 1 and abs(train_losses[-2] - train_losses[-1]) < 1e-5:\n            break\n")
    sub = mutate(tmp_path, tp1_autograd=[(EARLY_STOP, EARLY_STOP.replace(
        "        test_losses.append(_evaluer(w, b, x_test, y_test))\n", stop, 1))])
    report = grade(sub, "load", "train.batch", launcher=warm_launcher)
    check = report.check("train.batch")
    assert check.status.value == "passed", check.message
    assert 0 < check.details["steps"]["counted"] < 0.75 * 200  # it did stop early


def test_gradients_computed_by_hand_with_one_autograd_check_fail_saying_so(tmp_path, warm_launcher):
    """Red team: the engine ran once (a sanity check of the hand-written gradient), not once per step. It fails
    (the lab asks for autograd here, and an SGD loop stopped after 200 rows passes the MSE thresholds on 7 seeds
    of 20), with a message that does not only say it stops early."""
    by_hand = ("            xi, yi = x_train[i:i + 1], y_train[i:i + 1]\n"
               "            if checked is None:  # once: the hand-written gradient against autograd\n"
               "                checked = torch.autograd.grad(mse(linear(xi, w, b), yi), (w, b))\n"
               "            with torch.no_grad():\n"
               "                r = xi @ w + b - yi\n"
               "                w -= epsilon * 2 * xi.T @ r\n"
               "                b -= epsilon * 2 * r.reshape(1)\n")
    sub = mutate(tmp_path, tp1_autograd=[(SGD_STEP, by_hand), (SGD_ROWS, "        checked = None\n" + SGD_ROWS)])
    report = grade(sub, "load", "train.sgd", launcher=warm_launcher)
    check = report.check("train.sgd")
    assert check.status.value == "failed", check.message
    assert check.details["steps"] == {"counted": 1, "expected": 4000}
    assert "or its steps do not use autograd (loss.backward()), which this part of the lab asks for" in check.message
    assert check.details["mse"]["train"] <= check.details["threshold"]["train"]


def test_gradients_computed_by_hand_alone_are_not_judged_on_steps(tmp_path, warm_launcher):
    """Autograd's engine never ran during the call (0): nothing to count; the MSE and the probes judge it."""
    by_hand = ("            xi, yi = x_train[i:i + 1], y_train[i:i + 1]\n            with torch.no_grad():\n"
               "                r = xi @ w + b - yi\n                w -= epsilon * 2 * xi.T @ r\n"
               "                b -= epsilon * 2 * r.reshape(1)\n")
    sub = mutate(tmp_path, tp1_autograd=[(SGD_STEP, by_hand)])
    report = grade(sub, "load", "train.sgd", launcher=warm_launcher)
    check = report.check("train.sgd")
    assert check.status.value == "passed", check.message
    assert check.details["steps"] == {"counted": 0, "expected": 4000}


def test_the_count_is_read_as_hostile_data():
    from grader.sandbox.student import backward_runs

    assert backward_runs({"backward_runs": 12}) == 12
    for bad in ({}, {"backward_runs": -1}, {"backward_runs": True}, {"backward_runs": 1.0},
                {"backward_runs": "12"}, {"backward_runs": 10**10}, {"backward_runs": None}):
        assert backward_runs(bad) is None
