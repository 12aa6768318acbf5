"""The probe arithmetic of grader.checks.probes: plans, evidence and verdicts, on numbers made here."""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks import probes
from grader.i18n import render


@pytest.fixture(scope="module")
def rows():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((512, 8)).astype(np.float32)
    y = (x @ rng.standard_normal((8, 1)) + 2 + 0.5 * rng.standard_normal((512, 1))).astype(np.float32)
    return x, y


def gd_step(x, y, w, b, epsilon, c=1.0):
    gw, gb = probes.lab_gradient(x, y, w, b)
    return w - epsilon * c * gw, b - epsilon * c * gb


def test_plans_follow_the_steps_of_one_epoch():
    assert probes.plan("batch", 16512) == probes.Plan("batch", 16512, 1.0)
    assert probes.plan("sgd", 16512) == probes.Plan("sgd", 512, 512.0)
    assert probes.plan("minibatch", 16512, 32) == probes.Plan("minibatch", 512, 16.0)
    assert probes.plan("minibatch", 16512, 100) == probes.Plan("minibatch", 600, 6.0)  # whole batches only
    assert probes.plan("minibatch", 50, 32) == probes.Plan("minibatch", 32, 1.0)
    assert probes.plan("sgd", 100).rows == 100
    assert probes.plan("sgd", 16512).epsilon * 512 == pytest.approx(probes.STEP)


def test_lab_gradient_is_the_gradient_of_the_lab_mse(rows):
    x, y = rows
    w, b = np.ones((8, 1)), np.zeros(1)
    gw, gb = probes.lab_gradient(x, y, w, b)
    h = 1e-6
    w2 = w.copy()
    w2[3, 0] += h
    numeric = (probes.lab_mse(x, y, w2, b) - probes.lab_mse(x, y, w, b)) / h
    assert gw[3, 0] == pytest.approx(numeric, rel=1e-4)
    assert gb[0] == pytest.approx((probes.lab_mse(x, y, w, b + h) - probes.lab_mse(x, y, w, b)) / h, rel=1e-4)


def test_a_gradient_step_is_established(rows):
    x, y = rows
    w0, b0 = np.zeros((8, 1)), np.zeros(1)
    stepped = gd_step(x, y, w0, b0, 1e-3)
    evidence = probes.measure(x, y, (w0, b0), stepped, 1e-3, 1.0)
    assert evidence["ratio"] == pytest.approx(1.0) and evidence["cosine"] == pytest.approx(1.0)
    assert evidence["initial_ratio"] > 5 and evidence["bias_moved"]
    assert probes.problem(evidence, probes.EXACT) is None


def test_the_least_squares_solution_at_epsilon_zero_is_not_a_starting_point(rows):
    x, y = rows
    design = np.column_stack([x, np.ones(len(x))]).astype(np.float64)
    theta = np.linalg.lstsq(design, y.astype(np.float64), rcond=None)[0]
    solution = (theta[:-1], theta[-1])
    evidence = probes.measure(x, y, solution, solution, 1e-3, 1.0)  # ignores epsilon: the same answer twice
    assert evidence["initial_ratio"] == pytest.approx(1.0)
    assert probes.problem(evidence, probes.SAMPLED) == "at_optimum"
    seen = render(probes.seen("at_optimum", evidence, probes.plan("sgd", 16512)))
    assert "with epsilon = 0" in seen and "optimum" in seen


def test_a_jump_to_the_solution_is_not_a_step(rows):
    x, y = rows
    w0, b0 = np.zeros((8, 1)), np.zeros(1)
    design = np.column_stack([x, np.ones(len(x))]).astype(np.float64)
    theta = np.linalg.lstsq(design, y.astype(np.float64), rcond=None)[0]
    evidence = probes.measure(x, y, (w0, b0), (theta[:-1], theta[-1]), 1e-3, 1.0)
    assert evidence["ratio"] > 100
    assert probes.problem(evidence, probes.SAMPLED) == "step"
    text = render(probes.seen("step", evidence, probes.plan("batch", 512)), "fr")
    assert "rapport" in text and "cosinus" in text


@pytest.mark.parametrize("scale, cosine_sign, found", [(1.3, 1, None), (0.5, 1, "step"), (1.0, -1, "step")])
def test_sampled_tolerance_bounds(rows, scale, cosine_sign, found):
    x, y = rows
    w0, b0 = np.zeros((8, 1)), np.zeros(1)
    w1, b1 = gd_step(x, y, w0, b0, cosine_sign * scale * 1e-3)
    evidence = probes.measure(x, y, (w0, b0), (w1, b1), 1e-3, 1.0)
    assert probes.problem(evidence, probes.SAMPLED) == found


def test_the_element_mean_is_accepted_only_when_asked(rows):
    x, y3 = rows[0], np.repeat(rows[1], 3, axis=1)
    w0, b0 = np.zeros((8, 3)), np.zeros(3)
    stepped = gd_step(x, y3, w0, b0, 1e-3, c=1 / 3)  # the gradient of .mean(): p = 3 times smaller
    evidence = probes.measure(x, y3, (w0, b0), stepped, 1e-3, 1.0)
    assert evidence["ratio"] == pytest.approx(1 / 3)
    assert probes.problem(evidence, probes.EXACT) == "step"
    assert probes.problem(evidence, probes.EXACT, (1.0, 1 / 3)) is None


def test_a_frozen_bias_and_non_finite_parameters(rows):
    x, y = rows
    w0, b0 = np.zeros((8, 1)), np.zeros(1)
    w1, _ = gd_step(x, y, w0, b0, 1e-3)
    evidence = probes.measure(x, y, (w0, b0), (w1, b0), 1e-3, 1.0)
    assert not evidence["bias_moved"] and evidence["gradient_b_norm"] > 0
    nan = probes.measure(x, y, (w0, b0), (w1 * np.nan, b0), 1e-3, 1.0)
    assert probes.problem(nan, probes.SAMPLED) == "not_finite"
