"""Grading settings: points, time limits, hyper-parameters, thresholds, visibility, pass mark.

Every default here is documented in the README ("Checks", "Configuration"). The
CLI builds a :class:`GradingConfig` (defaults, then a ``grader.toml`` read by
:mod:`grader.config.file`, then command-line options) and the runner and checks
only read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from grader.sandbox.isolation import Limits

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
    # Hand the loop only the first ``train_rows`` rows of the (already shuffled) train part; the MSEs are
    # still measured on the full train and test parts against the full-train optimum. None: every row.
    train_rows: int | None = None


@dataclass(frozen=True)
class PassMark:
    """The score a single check run must reach to exit 0: points, or a percentage of the maximum."""

    value: float
    percent: bool = False

    def reached(self, score: float, max_score: float) -> bool:
        if self.percent:
            return score >= self.value / 100 * max_score - 1e-9
        return score >= self.value - 1e-9

    def __str__(self) -> str:
        return f"{self.value:g}%" if self.percent else f"{self.value:g} points"


def parse_pass_mark(value: object) -> PassMark:
    """``14``, ``"14"`` -> 14 points; ``"70%"`` -> 70 % of the maximum. Raises ValueError with the reason."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number of points or a percentage such as \"70%\", got {value!r}")
    if isinstance(value, (int, float)):
        number, percent = float(value), False
    elif isinstance(value, str):
        text = value.strip()
        percent = text.endswith("%")
        try:
            number = float(text[:-1] if percent else text)
        except ValueError:
            raise ValueError(f"expected a number of points or a percentage such as \"70%\", got {value!r}") from None
    else:
        raise ValueError(f"expected a number of points or a percentage such as \"70%\", got {value!r}")
    if not number >= 0 or number == float("inf") or (percent and number > 100):
        raise ValueError(f"expected 0 to 100 % or a non-negative number of points, got {value!r}")
    return PassMark(number, percent)


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
    submission_timeout_s: float = 900.0  # all checks of one submission; the rest time out past it
    # Sandbox: "auto" (strongest that works), "bwrap", "unshare" or "none"; resource limits of the student process.
    sandbox: str = "auto"
    require_sandbox: str = "none"  # refuse to grade below this level ("none": no requirement)
    limits: Limits = Limits()
    # descent.manual: the lab's setting, x (50, 13), y (50, 3).
    descent_epsilon: float = 0.05
    descent_n_iter: int = 500
    descent_rel_margin: float = 0.05
    # train.*: California Housing, 80/20 split, features clipped to their train 1 %-99 % quantiles then
    # standardized on the train part (grader.data.prepare: the raw outliers make correct SGD diverge).
    split_seed: int = 0
    test_fraction: float = 0.2
    # Chosen by benchmarks/train_thresholds.py, docs/training-study.md (every correct loop passes on 20 seeds, every buggy one fails).
    batch: TrainingSettings = TrainingSettings(epsilon=0.3, n_epochs=200, rel_margin=0.05)
    # SGD: one epoch over the first 4,000 train rows (a quarter of the student's time of a full epoch;
    # finding 8 of docs/training-study.md, and docs/speed.md). A correct loop ends up to +25 % over
    # the optimum there, hence the 80 % margin; every buggy loop of the study misses it by x6 or more.
    sgd: TrainingSettings = TrainingSettings(epsilon=0.005, n_epochs=1, rel_margin=0.8, train_rows=4000)
    # Mini-batch: two epochs of batches of 32 (finding 8): a correct loop ends up to +3.7 % over the optimum.
    minibatch: TrainingSettings = TrainingSettings(epsilon=0.03, n_epochs=2, batch_size=32, rel_margin=0.12)
    # Visibility: hidden checks run only in teacher mode (--teacher, class mode); student mode (the
    # default) neither runs nor mentions them, and reports only how many points they are worth.
    hidden: tuple[str, ...] = ()
    teacher: bool = False
    # Exit code of a single check: 0 when the score reaches the pass mark; None: when every check passed.
    pass_mark: PassMark | None = None
    # The course's own checks (pytest files and folders, absolute: grader.coursechecks), and the suite
    # collected from them (grader.coursechecks.bind: their ids, points and visibility join the fields above).
    course_checks: tuple[str, ...] = ()
    course_suite: Any = field(default=None, compare=False, repr=False)
    # [integrity] (grader/integrity/): a backward that calls autograd fails its checks ("fail") or only
    # warns ("warn"); class runs compare hand-ins (evidence, never points) above this similarity score,
    # with the handout's code (None: student_template/ found beside the configuration) removed.
    autograd_in_backward: str = "fail"
    similarity_threshold: float = 0.7  # benchmarks/similarity_study.py (docs/integrity.md)
    handout: str | None = None
    # Where the file values came from (informational: recorded in the report, not compared).
    config_file: str | None = field(default=None, compare=False)
    # Configuration files found in the hand-in and not used (grader.config.search); the report says so.
    ignored_configs: tuple[str, ...] = field(default=(), compare=False)

    def runs(self, check_id: str) -> bool:
        """Whether this run grades ``check_id`` (``--only``, then visibility)."""
        return (self.only is None or check_id in self.only) and (self.teacher or check_id not in self.hidden)

    def is_hidden(self, check_id: str) -> bool:
        return check_id in self.hidden

    def with_points(self, overrides: Mapping[str, float]) -> "GradingConfig":
        unknown = {cid for cid in overrides if cid not in DEFAULT_POINTS and not cid.startswith("course.")}
        if unknown:
            raise ValueError(f"unknown check id(s): {', '.join(sorted(unknown))}")
        return replace(self, points={**self.points, **overrides})
