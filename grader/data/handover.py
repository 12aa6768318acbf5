"""Hand the training data to the student process: find it, split it, write it as ``.npy``."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from grader import data as housing
from grader.config import GradingConfig

TRAINING_FILES = ("x_train", "y_train", "x_test", "y_test")


def load_split(data_path: str | None, split_seed: int, test_fraction: float):
    """``(split, optimum)`` of the data found for ``data_path``; raises DataNotFound / DataError."""
    return _split_of(housing.find_data(data_path), split_seed, test_fraction)


@functools.lru_cache(maxsize=4)
def _split_of(source: housing.DataSource, split_seed: int, test_fraction: float):
    """Loaded once per process and file (finding it is not cached: it depends on the environment)."""
    X, y = housing.load_raw(source)
    split = housing.prepare(X, y, seed=split_seed, test_fraction=test_fraction, source=source)
    return split, housing.closed_form(split)


def prepare_training_data(config: GradingConfig, workdir: Path):
    """Returns ``((split, optimum), None, source)``, or ``(None, reason, None)`` when there is no data."""
    try:
        split, optimum = load_split(config.data_path, config.split_seed, config.test_fraction)
    except (housing.DataNotFound, housing.DataError) as exc:
        return None, str(exc), None
    for name in TRAINING_FILES:
        np.save(workdir / f"{name}.npy", getattr(split, name), allow_pickle=False)
    for rows in {s.train_rows for s in (config.batch, config.sgd, config.minibatch)} - {None}:
        if rows < split.n_train:
            for name in ("x_train", "y_train"):
                np.save(workdir / rows_file(name, rows), getattr(split, name)[:rows], allow_pickle=False)
    return (split, optimum), None, describe_source(split.source, config.lang)


def rows_file(name: str, rows: int | None) -> str:
    """The ``.npy`` file of ``x_train`` / ``y_train`` cut to its first ``rows`` rows (None: all of them)."""
    return f"{name}.npy" if rows is None else f"{name}_first{rows}.npy"


def describe_source(source: housing.DataSource, lang: str = "en") -> str:
    """:meth:`DataSource.describe` in the report's language (``cal_housing.data.gz (bundled with the grader)``)."""
    from grader.data.files import _tilde
    from grader.i18n import Msg, render

    if source.path is None or source.kind not in ("bundled", "file", "env", "sklearn-cache"):
        return source.describe()
    path = Path(source.path)
    return render(Msg(f"ux.data.{source.kind}", name=path.name, where=_tilde(path.parent)), lang)


def asked_data_problem(config: GradingConfig) -> str | None:
    """Why the data that was *asked for* cannot be used, in one line (None when usable or nothing was asked).

    Asked for: ``--data`` or the configuration's data path, else ``GRADER_DATA``. A path that was asked for and
    is not there (or not a California Housing file) is a usage error found before anything is graded, in single
    and class mode alike: silently grading without it would cost every student the training checks. The split is
    cached (:func:`load_split`), so the grading that follows does not read the file again.
    """
    import os

    if not config.data_path and not os.environ.get(housing.files.ENV_VAR):
        return None
    try:
        load_split(config.data_path, config.split_seed, config.test_fraction)
    except (housing.DataNotFound, housing.DataError) as exc:
        head = str(exc).splitlines()[0].rstrip(".")
        return head.split(": ", 1)[1] if head.startswith("Data file given") else head
    return None
