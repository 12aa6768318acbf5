"""California Housing: find, load, split, standardize.

This module is the grader's only door to the data the training-loop checks run on.
It is trusted code: it never prints, never imports torch, never downloads, and turns
every problem into one of two exceptions whose message says what to do:

- :class:`DataNotFound` -- nothing was found (only when the bundled copy was removed, or
  a path that was asked for does not exist); the message lists every place searched and
  the ways to provide the data (``--data FILE``, ``fetch_california_housing()`` once
  online, ``SCIKIT_LEARN_DATA``).
- :class:`DataError` -- a file was found but cannot be used; the message names the
  file and what is wrong with it.

Where the data is looked for, first hit wins (:func:`find_data`):

1. the path given explicitly (the CLI's ``--data``);
2. the environment variable ``GRADER_DATA``;
3. scikit-learn's cache, ``$SCIKIT_LEARN_DATA`` or ``~/scikit_learn_data``, file
   ``cal_housing_py3.pkz`` -- the name scikit-learn really writes (its ``_pkl_filepath``
   adds ``_py3``) -- or ``cal_housing.pkz``;
4. the copy bundled with the grader: ``grader/data/cal_housing.data.gz``, the raw StatLib
   file compressed (Pace & Barry, 1997), whose decompressed sha256 is checked when loaded.

A path (1, 2) may be the raw StatLib text file ``cal_housing.data``, scikit-learn's
``.pkz`` cache, the ``cal_housing.tgz`` archive scikit-learn downloads, or a directory
holding one of those. A ``.pkz`` is never unpickled: :mod:`grader.data.pkz` reads the one
plain numeric array joblib wrote, and refuses anything else.

The features and target are exactly those of ``sklearn.datasets.fetch_california_housing``
(8 features: MedInc, HouseAge, AveRooms, AveBedrms, Population, AveOccup, Latitude,
Longitude; target MedHouseVal in units of 100,000 $).

Data preparation handed to the students' loops (:func:`prepare`): a fixed permutation
``np.random.default_rng(seed).permutation(n)``, the first ``n - round(n * test_fraction)``
rows for training and the rest for testing, features standardized with the training
part's mean and (population, ddof=0) standard deviation, the target left in units of
100,000 $. Standardizing matters: AveOccup reaches ~1243 and Population ~35682, and
without it any learning rate that suits batch descent makes SGD diverge.

:func:`closed_form` gives the least-squares optimum the training checks compare against.
"""


from grader.data import files
from grader.data.files import (BUNDLED, CITATION, FEATURE_NAMES, N_ROWS, RAW_COLUMNS, TARGET_NAME, DataError,
                                DataNotFound, DataSource, features_from_raw, find_data, load_raw)
from grader.data.split import CLIP_QUANTILE, HousingSplit, Optimum, closed_form, mse, prepare
from grader.data.synthetic import synthetic, synthetic_raw

__all__ = [
    "BUNDLED",
    "CITATION",
    "FEATURE_NAMES",
    "TARGET_NAME",
    "RAW_COLUMNS",
    "N_ROWS",
    "DataNotFound",
    "DataError",
    "DataSource",
    "find_data",
    "load_raw",
    "features_from_raw",
    "HousingSplit",
    "prepare",
    "CLIP_QUANTILE",
    "synthetic",
    "synthetic_raw",
    "Optimum",
    "closed_form",
    "mse",
]
