"""The shipped training settings still separate correct loops from buggy ones (real torch, real data).

``benchmarks/train_thresholds.py`` chose the SGD and mini-batch workloads and margins (finding 8 of ``docs/training-study.md``: SGD on
the first 4,000 train rows, epsilon 0.005, margin 80 %; mini-batch over 2 epochs, epsilon 0.03, margin
12 %) by running student-style loops on 20 seeds. This test re-runs, with whatever ``GradingConfig``
ships, the study's closest cases: the correct loops' worst seeds (``w`` and ``b`` from zeros, rows
sampled with replacement) must pass, and the nearest bug (a bias never updated) at its best seed must
fail by a wide gap. A smaller margin, fewer rows or a larger epsilon shipped without a new study fails it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import train_thresholds as tt  # noqa: E402
from student_loops import all_variants  # noqa: E402

# (loop, variant, seed): the study's worst seed of each correct variant, the best seed of the nearest bug
CORRECT = [("sgd", "w 0, b 0", 10), ("sgd", "sampled with replacement", 18),
           ("minibatch", "w 0, b 0", 17), ("minibatch", "sampled with replacement", 19)]
NEAREST_BUG = [("sgd", "BUG bias never updated", 19), ("minibatch", "BUG bias never updated", 14)]


@pytest.fixture(scope="module")
def housing():
    split, optimum = tt.load_split(None, tt.gd.CLIP_QUANTILE)
    tensors = tuple(torch.from_numpy(np.array(a)) for a in (split.x_train, split.y_train, split.x_test, split.y_test))
    return split, optimum, tensors


def _run(housing, loop: str, name: str, seed: int):
    split, optimum, tensors = housing
    variant = next(v for v in all_variants() if v.loop == loop and v.name == name)
    config = tt.RECOMMENDED[loop]  # built from the shipped GradingConfig
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the study ran
    try:
        run = tt.run_variant(split, tensors, variant, config, seed)
    finally:
        torch.set_num_threads(threads)
    thresholds = (optimum.train_mse * (1 + config.rel_margin), optimum.test_mse * (1 + config.rel_margin))
    return run, thresholds


@pytest.mark.parametrize("loop,name,seed", CORRECT)
def test_the_worst_correct_runs_of_the_study_pass(housing, loop, name, seed):
    run, (train_limit, test_limit) = _run(housing, loop, name, seed)
    assert run.train_mse <= train_limit and run.test_mse <= test_limit, (run, train_limit, test_limit)


@pytest.mark.parametrize("loop,name,seed", NEAREST_BUG)
def test_the_nearest_bug_of_the_study_fails_by_a_wide_gap(housing, loop, name, seed):
    run, (train_limit, test_limit) = _run(housing, loop, name, seed)
    assert run.train_mse > 5 * train_limit and run.test_mse > 5 * test_limit, (run, train_limit, test_limit)
