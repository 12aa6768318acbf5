"""Synthetic data in the raw file's layout, for tests when the real file is absent."""

from __future__ import annotations

import numpy as np

from grader.data.files import _SKLEARN_ORDER, features_from_raw

def synthetic_raw(n: int = 2000, seed: int = 0) -> np.ndarray:
    """Synthetic rows in the raw file's layout (``RAW_COLUMNS``), float64 (n, 9).

    Counts are integers, households positive, AveOccup heavy-tailed (a few blocks with
    hundreds of occupants per household, like the real data's ~1243), Latitude and
    Longitude strongly anti-correlated, AveBedrms correlated with AveRooms, and the
    value a linear signal of the features plus noise, capped at 500,001 $ as in the
    real data.
    """
    if n < 10:
        raise ValueError(f"n must be at least 10, got {n}")
    rng = np.random.default_rng(seed)
    households = np.maximum(1.0, np.round(rng.lognormal(np.log(420.0), 0.6, n)))
    ave_rooms = rng.lognormal(np.log(5.2), 0.25, n)
    ave_bedrms = np.maximum(0.5, 1.0 + 0.04 * (ave_rooms - 5.2) + rng.normal(0.0, 0.08, n))
    ave_occup = rng.lognormal(np.log(2.9), 0.25, n)
    tail = rng.random(n) < 0.01
    ave_occup[tail] *= rng.pareto(0.8, int(tail.sum())) * 20.0 + 3.0
    extreme = int(rng.integers(n))
    ave_occup[extreme] = 1003.0  # one extreme block, always
    tail[extreme] = True
    households[tail] = rng.integers(1, 15, int(tail.sum()))  # crowded blocks are small, as in the real data
    age = rng.integers(1, 53, n).astype(np.float64)
    latitude = rng.uniform(32.55, 41.95, n)
    longitude = np.clip(-114.3 - 1.05 * (latitude - 32.55) + rng.normal(0.0, 0.9, n), -124.35, -114.31)
    income = np.clip(rng.lognormal(np.log(3.5), 0.45, n), 0.4999, 15.0001)

    value = (
        0.42 * income
        + 0.009 * age
        + 0.05 * (ave_rooms - 5.2)
        - 0.4 * (latitude - 35.6)
        - 0.42 * (longitude + 119.6)
        - 0.02 * np.log(ave_occup)
        + 1.0
        + rng.normal(0.0, 0.6, n)
    )
    value = np.clip(value, 0.14999, 5.00001)

    raw = np.column_stack(
        [
            np.round(longitude, 2),
            np.round(latitude, 2),
            age,
            np.maximum(1.0, np.round(ave_rooms * households)),
            np.maximum(1.0, np.round(ave_bedrms * households)),
            np.maximum(1.0, np.round(ave_occup * households)),
            households,
            np.round(income, 4),
            np.round(value * 100000.0),
        ]
    )
    return raw


def synthetic(n: int = 2000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Small synthetic data shaped like :func:`load_raw`'s output: ``(X (n, 8), y (n,))`` float64.

    Built by :func:`synthetic_raw` and the same transform as the real data, so the
    columns mean the same thing (AveOccup heavy-tailed, target positive, around 2).
    For tests and demos when the real file is absent.
    """
    raw = synthetic_raw(n, seed)
    return features_from_raw(raw[:, _SKLEARN_ORDER])


