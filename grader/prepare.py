"""Hand the training data to the student process: find it, split it, write it as ``.npy``."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from grader.config import GradingConfig
from grader import data as housing

TRAINING_FILES = ("x_train", "y_train", "x_test", "y_test")


def prepare_training_data(config: GradingConfig, workdir: Path):
    """Returns ``((split, optimum), None, source)``, or ``(None, reason, None)`` when there is no data."""
    try:
        source = housing.find_data(config.data_path)
        X, y = housing.load_raw(source)
    except (housing.DataNotFound, housing.DataError) as exc:
        return None, str(exc), None
    split = housing.prepare(X, y, seed=config.split_seed, test_fraction=config.test_fraction, source=source)
    optimum = housing.closed_form(split)
    for name in TRAINING_FILES:
        np.save(workdir / f"{name}.npy", np.ascontiguousarray(getattr(split, name)), allow_pickle=False)
    return (split, optimum), None, source.describe()
