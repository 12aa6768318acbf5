"""Grading settings: points, time limits, hyper-parameters and thresholds.

Every default here is documented in the README ("Checks, thresholds and
hyper-parameters"). The CLI builds a :class:`GradingConfig` and the runner and
checks only read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping

DEFAULT_POINTS: Mapping[str, float] = {
    "load": 0,
    "mse.forward": 2,
    "mse.backward": 2,
    "mse.gradcheck": 1,
    "linear.forward": 2,
    "linear.backward": 3,
    "linear.gradcheck": 1,
    "context.isolation": 1,
    "descent.manual": 2,
    "train.batch": 2,
    "train.sgd": 2,
    "train.minibatch": 2,
}


@dataclass(frozen=True)
class TrainingSettings:
    """Hyper-parameters the grader hands to one of the student's autograd loops."""

    epsilon: float
    n_epochs: int
    batch_size: int | None = None
    rel_margin: float = 0.10  # threshold = optimum MSE * (1 + rel_margin)


@dataclass(frozen=True)
class GradingConfig:
    seed: int = 0
    strict_mse: bool = False  # reject the element mean 1/(q*p) even when forward and backward agree
    points: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_POINTS))
    only: tuple[str, ...] | None = None  # run only these check ids (the others are not reported)
    data_path: str | None = None
    lang: str = "en"  # language of the messages the student reads ("en" or "fr"; grader.i18n)
    # Time limits (seconds, wall clock).
    load_timeout_s: float = 60.0
    check_timeout_s: float = 20.0
    training_timeout_s: float = 120.0
    # descent.manual: the lab's setting, x (50, 13), y (50, 3).
    descent_epsilon: float = 0.05
    descent_n_iter: int = 500
    descent_rel_margin: float = 0.05
    # train.*: California Housing, 80/20 split, features clipped to their train 1 %-99 % quantiles then
    # standardized on the train part (grader.data.prepare: the raw outliers make correct SGD diverge).
    split_seed: int = 0
    test_fraction: float = 0.2
    # Chosen by benchmarks/train_thresholds.py (every correct loop passes on 20 seeds, every buggy one fails).
    batch: TrainingSettings = TrainingSettings(epsilon=0.3, n_epochs=200, rel_margin=0.05)
    sgd: TrainingSettings = TrainingSettings(epsilon=0.002, n_epochs=1, rel_margin=0.25)
    minibatch: TrainingSettings = TrainingSettings(epsilon=0.02, n_epochs=4, batch_size=32, rel_margin=0.10)

    def with_points(self, overrides: Mapping[str, float]) -> "GradingConfig":
        unknown = set(overrides) - set(DEFAULT_POINTS)
        if unknown:
            raise ValueError(f"unknown check id(s): {', '.join(sorted(unknown))}")
        return replace(self, points={**self.points, **overrides})
