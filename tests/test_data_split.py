"""Tests for grader.data: the split handed to the students' loops and the closed-form optimum.

Expected values come from an independent re-implementation here or from scikit-learn's
``LinearRegression``, never from the code under test. Real-data tests use the copy bundled
with the grader.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader import data
from grader.data import DataSource


# --- split ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def synth():
    X, y = data.synthetic(1000, seed=3)
    return X, y, DataSource("synthetic", None)


def test_split_follows_the_documented_permutation(synth):
    X, y, source = synth
    split = data.prepare(X, y, seed=7, test_fraction=0.25, source=source, clip_quantile=None)
    perm = np.random.default_rng(7).permutation(1000)
    np.testing.assert_array_equal(split.train_index, perm[:750])
    np.testing.assert_array_equal(split.test_index, perm[750:])
    mean = X[perm[:750]].mean(axis=0)
    std = X[perm[:750]].std(axis=0)
    np.testing.assert_allclose(split.x_train, (X[perm[:750]] - mean) / std, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(split.x_test, (X[perm[750:]] - mean) / std, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(split.y_train[:, 0], y[perm[:750]].astype(np.float32))
    np.testing.assert_array_equal(split.y_test[:, 0], y[perm[750:]].astype(np.float32))
    np.testing.assert_allclose(split.feature_mean, mean)
    np.testing.assert_allclose(split.feature_std, std)
    assert split.clip_quantile is None


def test_clipping_uses_train_quantiles_only(synth):
    X, y, source = synth
    split = data.prepare(X, y, seed=7, test_fraction=0.25, source=source, clip_quantile=0.02)
    perm = np.random.default_rng(7).permutation(1000)
    tr, te = X[perm[:750]], X[perm[750:]]
    low = np.quantile(tr, 0.02, axis=0)
    high = np.quantile(tr, 0.98, axis=0)
    tr_c, te_c = np.clip(tr, low, high), np.clip(te, low, high)
    mean, std = tr_c.mean(axis=0), tr_c.std(axis=0)
    np.testing.assert_allclose(split.x_train, (tr_c - mean) / std, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(split.x_test, (te_c - mean) / std, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(split.clip_low, low)
    np.testing.assert_allclose(split.clip_high, high)
    # the heavy-tailed column really was clipped, in train and in test
    assert X[:, 5].max() > high[5]
    assert split.x_test[:, 5].max() <= split.x_train[:, 5].max() + 1e-6


def test_default_preparation_clips_at_one_percent(synth):
    X, y, source = synth
    split = data.prepare(X, y, source=source)
    assert split.clip_quantile == 0.01
    np.testing.assert_allclose(split.clip_high, np.quantile(X[split.train_index], 0.99, axis=0))


def test_split_shapes_dtypes_and_partition(synth):
    X, y, source = synth
    split = data.prepare(X, y, source=source)
    assert split.x_train.shape == (800, 8) and split.x_test.shape == (200, 8)
    assert split.y_train.shape == (800, 1) and split.y_test.shape == (200, 1)
    for a in (split.x_train, split.y_train, split.x_test, split.y_test):
        assert a.dtype == np.float32
        assert not a.flags.writeable
    rows = np.sort(np.concatenate([split.train_index, split.test_index]))
    np.testing.assert_array_equal(rows, np.arange(1000))
    assert (split.seed, split.test_fraction, split.source) == (0, 0.2, source)


def test_split_is_deterministic_per_seed(synth):
    X, y, source = synth
    a = data.prepare(X, y, seed=0, source=source)
    b = data.prepare(X, y, seed=0, source=source)
    c = data.prepare(X, y, seed=1, source=source)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.train_index, c.train_index)
    assert not np.array_equal(a.y_train, c.y_train)


def test_train_part_is_standardized_test_part_is_not_refit(synth):
    X, y, source = synth
    split = data.prepare(X, y, source=source)
    xt = split.x_train.astype(np.float64)
    np.testing.assert_allclose(xt.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(xt.std(axis=0), 1.0, atol=1e-5)
    # the target is left in units of 100,000 $
    assert split.y_train.mean() == pytest.approx(y[split.train_index].mean(), rel=1e-6)
    # the test part uses the train statistics, so its mean is not exactly 0
    assert np.abs(split.x_test.astype(np.float64).mean(axis=0)).max() > 1e-3


def test_real_split_standardized_and_outliers_tamed(real):
    source, X, y = real
    split = data.prepare(X, y, source=source)
    assert (split.n_train, split.n_test) == (16512, 4128)
    xt = split.x_train.astype(np.float64)
    np.testing.assert_allclose(xt.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(xt.std(axis=0), 1.0, atol=1e-5)
    # AveOccup reaches 1243: unclipped, one row has |x|^2 > 10,000 (what makes SGD blow up)
    plain = data.prepare(X, y, source=source, clip_quantile=None)
    assert (plain.x_test.astype(np.float64) ** 2).sum(axis=1).max() > 10_000
    for part in (split.x_train, split.x_test):
        assert (part.astype(np.float64) ** 2).sum(axis=1).max() < 100


# --- closed form ----------------------------------------------------------------------------


def check_against_sklearn(split):
    from sklearn.linear_model import LinearRegression
    from sklearn.metrics import mean_squared_error

    opt = data.closed_form(split)
    x_tr = split.x_train.astype(np.float64)
    x_te = split.x_test.astype(np.float64)
    y_tr = split.y_train.astype(np.float64).ravel()
    y_te = split.y_test.astype(np.float64).ravel()
    lr = LinearRegression().fit(x_tr, y_tr)
    np.testing.assert_allclose(opt.coef, lr.coef_, rtol=0, atol=1e-9)
    assert opt.intercept == pytest.approx(lr.intercept_, abs=1e-9)
    assert opt.train_mse == pytest.approx(mean_squared_error(y_tr, lr.predict(x_tr)), abs=1e-9)
    assert opt.test_mse == pytest.approx(mean_squared_error(y_te, lr.predict(x_te)), abs=1e-9)
    return opt


def test_closed_form_equals_sklearn_on_synthetic(synth):
    X, y, source = synth
    check_against_sklearn(data.prepare(X, y, seed=2, source=source))


def test_closed_form_equals_sklearn_on_real(real):
    source, X, y = real
    opt = check_against_sklearn(data.prepare(X, y, source=source))
    assert 0.4 < opt.train_mse < 0.7  # linear regression on California Housing: MSE ~0.52-0.53


def test_mse_is_the_mean_of_squares_for_every_accepted_shape(synth):
    X, y, source = synth
    split = data.prepare(X, y, source=source)
    rng = np.random.default_rng(0)
    w = rng.normal(size=(8, 1))
    b = rng.normal(size=(1,))
    expected = np.mean((split.x_test.astype(np.float64) @ w + b[0] - split.y_test.astype(np.float64)) ** 2)
    for ww, bb in ((w, b), (w.ravel(), b), (w, float(b[0])), (w, b.reshape(1, 1))):
        assert data.mse(split.x_test, split.y_test, ww, bb) == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="w must have shape"):
        data.mse(split.x_test, split.y_test, w.T, b)
    with pytest.raises(ValueError, match="b must hold one value"):
        data.mse(split.x_test, split.y_test, w, np.zeros(8))
