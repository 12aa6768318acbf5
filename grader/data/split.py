"""The data handed to the students' loops: split, clip, standardize; the closed-form optimum."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from grader.data.files import FEATURE_NAMES, DataSource

@dataclass(frozen=True, eq=False)
class HousingSplit:
    """A fixed train/test split, features winsorized and standardized with the training part's statistics.

    Arrays are read-only (copy them before handing them to code that writes).
    """

    x_train: np.ndarray  #: float32 (n_train, 8), clipped then standardized with the train mean/std
    y_train: np.ndarray  #: float32 (n_train, 1), MedHouseVal in units of 100,000 $ (not standardized)
    x_test: np.ndarray  #: float32 (n_test, 8), clipped and standardized with the *train* statistics
    y_test: np.ndarray  #: float32 (n_test, 1)
    source: DataSource
    seed: int
    test_fraction: float
    clip_quantile: float | None  #: features clipped to train quantiles [q, 1 - q]; None: not clipped
    clip_low: tuple[float, ...]  #: per feature, raw units; -inf when not clipped
    clip_high: tuple[float, ...]  #: per feature, raw units; +inf when not clipped
    feature_mean: tuple[float, ...]  #: train mean of each (clipped) raw feature
    feature_std: tuple[float, ...]  #: train std (ddof=0) of each (clipped) raw feature; 1.0 where it was 0
    train_index: np.ndarray  #: int64 rows of the input used for training, in order
    test_index: np.ndarray  #: int64 rows of the input used for testing, in order

    @property
    def n_train(self) -> int:
        return int(self.x_train.shape[0])

    @property
    def n_test(self) -> int:
        return int(self.x_test.shape[0])

    def describe(self) -> str:
        """One line for a report."""
        if self.clip_quantile:
            q = self.clip_quantile * 100
            prep = (
                f"features clipped to their train {q:g} %-{100 - q:g} % quantiles, then "
                "standardized with the train mean/std"
            )
        else:
            prep = "features standardized with the train mean/std"
        return (
            f"{self.source.describe()}: {self.n_train} train / {self.n_test} test rows "
            f"(split seed {self.seed}), {prep}, target in units of 100,000 $"
        )


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


#: Default winsorization of :func:`prepare` (see its docstring and benchmarks/train_thresholds.py).
CLIP_QUANTILE = 0.01


def prepare(
    X: np.ndarray,
    y: np.ndarray,
    *,
    seed: int = 0,
    test_fraction: float = 0.2,
    source: DataSource,
    clip_quantile: float | None = CLIP_QUANTILE,
) -> HousingSplit:
    """Split deterministically, clip outliers and standardize, fitting on the training part only.

    Rows ``perm = np.random.default_rng(seed).permutation(n)``; ``perm[:n_train]`` train,
    ``perm[n_train:]`` test, with ``n_test = round(n * test_fraction)`` (at least 1 of each).

    Each feature is clipped (winsorized) to ``[quantile(q), quantile(1 - q)]`` of its
    *training* values (``numpy.quantile``, linear interpolation), ``q = clip_quantile``,
    then standardized with the training part's mean and std (ddof=0). Test rows use the
    training bounds and statistics. ``clip_quantile=None`` (or 0) skips the clipping.

    Why clip: AveOccup reaches 1243 (standardized: 125 in train, 260 in test) and
    Population 35682. One such row gives a per-example gradient step ``|x|^2 ~ 16,000``
    times larger than typical, so SGD with any learning rate that converges in one epoch
    is thrown off by it, and the test MSE is dominated by a single district.
    benchmarks/train_thresholds.py measures this; clipping at 1 % brings ``max |x|^2``
    from ~16,000 to ~85. The closed-form optimum is computed on the same prepared data, so
    the thresholds stay fair.

    Standardization is computed in float64, then features and target are cast to float32.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != len(FEATURE_NAMES):
        raise ValueError(f"X must have shape (n, {len(FEATURE_NAMES)}), got {X.shape}")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) or ({X.shape[0]}, 1), got {y.shape}")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    if clip_quantile is not None and not 0.0 <= clip_quantile < 0.5:
        raise ValueError(f"clip_quantile must be in [0, 0.5) or None, got {clip_quantile}")
    n = X.shape[0]
    if n < 3:
        raise ValueError(f"need at least 3 rows to split, got {n}")
    n_test = min(max(int(round(n * test_fraction)), 1), n - 2)
    n_train = n - n_test
    perm = np.random.default_rng(seed).permutation(n)
    train_index, test_index = perm[:n_train], perm[n_train:]
    x_tr, x_te = X[train_index], X[test_index]
    if clip_quantile:
        low, high = np.quantile(x_tr, [clip_quantile, 1.0 - clip_quantile], axis=0)
        x_tr, x_te = np.clip(x_tr, low, high), np.clip(x_te, low, high)
    else:
        clip_quantile = None
        low = np.full(X.shape[1], -np.inf)
        high = np.full(X.shape[1], np.inf)
    mean = x_tr.mean(axis=0)
    std = x_tr.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return HousingSplit(
        x_train=_frozen(((x_tr - mean) / std).astype(np.float32)),
        y_train=_frozen(y[train_index].astype(np.float32).reshape(-1, 1)),
        x_test=_frozen(((x_te - mean) / std).astype(np.float32)),
        y_test=_frozen(y[test_index].astype(np.float32).reshape(-1, 1)),
        source=source,
        seed=int(seed),
        test_fraction=float(test_fraction),
        clip_quantile=None if clip_quantile is None else float(clip_quantile),
        clip_low=tuple(float(v) for v in low),
        clip_high=tuple(float(v) for v in high),
        feature_mean=tuple(float(v) for v in mean),
        feature_std=tuple(float(v) for v in std),
        train_index=_frozen(train_index.astype(np.int64)),
        test_index=_frozen(test_index.astype(np.int64)),
    )


@dataclass(frozen=True)
class Optimum:
    """Least-squares optimum of ``y = X w + b`` on the training part, and its MSEs."""

    train_mse: float
    test_mse: float
    coef: tuple[float, ...]
    intercept: float


def mse(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray | float) -> float:
    """Mean squared error of ``x @ w + b`` against ``y``, in float64.

    ``w`` of shape (8,) or (8, 1); ``b`` a scalar or of shape (1,) or (1, 1); ``y`` of
    shape (n,) or (n, 1). With one target column, the lab's ``1/q ||Ŷ - Y||²`` and
    ``.mean()`` are the same number, and this is it. Diverged weights give ``inf`` or
    ``nan``; compare with ``mse <= threshold`` (False for nan) to fail them.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    w = np.asarray(w, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if w.shape not in ((x.shape[1],), (x.shape[1], 1)):
        raise ValueError(f"w must have shape ({x.shape[1]}, 1) or ({x.shape[1]},), got {w.shape}")
    if b.size != 1:
        raise ValueError(f"b must hold one value (shape (1,)), got shape {b.shape}")
    with np.errstate(over="ignore", invalid="ignore"):  # diverged weights give inf/nan, not warnings
        pred = x @ w.reshape(-1) + float(b.reshape(-1)[0])
        r = pred - y
        return float(np.dot(r, r) / r.shape[0])


def closed_form(split: HousingSplit) -> Optimum:
    """The least-squares optimum on the train part (``numpy.linalg.lstsq`` with a column of ones, float64).

    ``train_mse``/``test_mse`` are the mean squared errors of that optimum (one target
    column, so ``1/q ||Ŷ - Y||²``) on the float32 train/test arrays the students get.
    """
    x = np.asarray(split.x_train, dtype=np.float64)
    y = np.asarray(split.y_train, dtype=np.float64).reshape(-1)
    design = np.column_stack([x, np.ones(x.shape[0])])
    theta, *_ = np.linalg.lstsq(design, y, rcond=None)
    w, b = theta[:-1], theta[-1]
    return Optimum(
        train_mse=mse(split.x_train, split.y_train, w, b),
        test_mse=mse(split.x_test, split.y_test, w, b),
        coef=tuple(float(v) for v in w),
        intercept=float(b),
    )
