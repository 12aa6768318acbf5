"""Tests for grader.data: finding and reading the data (the split and optimum: test_data_split.py).

Real data: the copy bundled with the grader (``grader/data/cal_housing.data.gz``); the
format tests use synthetic rows. Expected values come from the dataset's README, from scikit-learn itself
(``fetch_california_housing`` reading a cache we build, ``LinearRegression``), or from
an independent re-implementation here -- never from the code under test.
"""

from __future__ import annotations

import csv
import io
import tarfile
from pathlib import Path

import joblib
import numpy as np
import pytest

from grader import data
from grader.data import DataError, DataNotFound, DataSource

from conftest import real_rows
SKLEARN_ORDER = [8, 7, 2, 3, 4, 5, 6, 1, 0]


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory, monkeypatch):
    """No developer cache or GRADER_DATA leaks into a test; the bundled copy stays visible."""
    empty = tmp_path_factory.mktemp("empty_home")
    monkeypatch.delenv("GRADER_DATA", raising=False)
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(empty / "scikit_learn_data"))
    monkeypatch.setenv("HOME", str(empty))


@pytest.fixture(scope="module")
def raw_array() -> np.ndarray:
    """Rows in the raw file layout, synthetic (the real ones are tested on the bundled copy)."""
    rng = np.random.default_rng(123)
    n = 500
    hh = rng.integers(1, 2000, n).astype(float)
    return np.column_stack(
        [
            rng.uniform(-124.3, -114.3, n).round(2),
            rng.uniform(32.5, 42.0, n).round(2),
            rng.integers(1, 53, n).astype(float),
            (hh * rng.uniform(2, 9, n)).round(),
            (hh * rng.uniform(0.8, 1.4, n)).round(),
            (hh * rng.uniform(1.5, 5, n)).round(),
            hh,
            rng.uniform(0.5, 15, n).round(4),
            rng.uniform(15000, 500001, n).round(),
        ]
    )


def write_raw(path: Path, raw: np.ndarray) -> Path:
    np.savetxt(path, raw, delimiter=",", fmt="%.6f")
    return path


def by_hand(row: list[float]) -> tuple[list[float], float]:
    """fetch_california_housing's transform for one raw row, written out independently."""
    lon, lat, age, rooms, bedrooms, pop, hh, income, value = row
    return [income, age, rooms / hh, bedrooms / hh, pop, pop / hh, lat, lon], value / 100000.0


# --- real data --------------------------------------------------------------------------


def test_real_data_matches_readme_numbers(real):
    _, X, y = real
    assert X.shape == (20640, 8) and y.shape == (20640,)
    assert X.dtype == np.float64 and y.dtype == np.float64
    means = X.mean(axis=0)
    assert means[0] == pytest.approx(3.8707, abs=5e-5)
    assert means[1] == pytest.approx(28.639, abs=5e-4)
    assert means[2] == pytest.approx(5.4290, abs=5e-5)
    assert y.mean() == pytest.approx(2.06856, abs=5e-6)


def test_real_rows_equal_transform_applied_by_hand(real):
    _, X, y = real
    rows = real_rows()
    for i in (0, 1, 2, 1234, 20639):
        features, target = by_hand(rows[i])
        np.testing.assert_allclose(X[i], features, rtol=1e-14, atol=0)
        assert y[i] == pytest.approx(target, rel=1e-14)


def test_find_data_falls_back_to_the_bundled_copy():
    source = data.find_data()
    assert source.kind == "bundled"
    assert Path(source.path) == data.BUNDLED
    assert source.describe() == "cal_housing.data.gz (bundled with the grader)"


def test_the_bundled_copy_is_the_statlib_file_checked_by_sha256():
    import gzip
    import hashlib

    content = gzip.decompress(data.BUNDLED.read_bytes())
    assert hashlib.sha256(content).hexdigest() == data.files.BUNDLED_SHA256
    assert len(content.splitlines()) == data.N_ROWS
    assert data.BUNDLED.stat().st_size < 500_000  # compressed: the raw file is 2.1 MB


def test_a_corrupt_bundled_copy_is_refused(tmp_path, monkeypatch):
    import gzip

    lines = gzip.decompress(data.BUNDLED.read_bytes()).splitlines(keepends=True)
    lines[7] = lines[7].replace(b"1", b"2", 1)  # one changed digit: still a valid file, not the StatLib one
    corrupt = tmp_path / "cal_housing.data.gz"
    corrupt.write_bytes(gzip.compress(b"".join(lines)))
    monkeypatch.setattr(data.files, "BUNDLED", corrupt)
    source = data.find_data()
    assert source == DataSource("bundled", str(corrupt))
    with pytest.raises(DataError, match="corrupt.*reinstall"):
        data.load_raw(source)


# --- formats ----------------------------------------------------------------------------


def test_text_file_equals_scikit_learns_own_loader(tmp_path, raw_array, monkeypatch):
    """Build scikit-learn's cache ourselves and let scikit-learn read it: same arrays."""
    from sklearn.datasets import fetch_california_housing

    home = tmp_path / "skl"
    home.mkdir()
    joblib.dump(raw_array[:, SKLEARN_ORDER], home / "cal_housing_py3.pkz", compress=6)
    expected = fetch_california_housing(data_home=str(home), download_if_missing=False)

    raw_file = write_raw(tmp_path / "cal_housing.data", raw_array)
    X, y = data.load_raw(DataSource("file", str(raw_file)))
    np.testing.assert_array_equal(X, expected.data)
    np.testing.assert_array_equal(y, expected.target)

    # ... and the cache itself is found through SCIKIT_LEARN_DATA and gives the same.
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(home))
    source = data.find_data()
    assert source.kind == "sklearn-cache"
    assert Path(source.path) == home / "cal_housing_py3.pkz"
    Xc, yc = data.load_raw(source)
    np.testing.assert_array_equal(Xc, expected.data)
    np.testing.assert_array_equal(yc, expected.target)


def test_pkz_named_as_in_readme_is_read(tmp_path, raw_array):
    pkz = tmp_path / "cal_housing.pkz"
    joblib.dump(raw_array[:, SKLEARN_ORDER], pkz, compress=6)
    X, y = data.load_raw(data.find_data(pkz))
    for i in (0, 7, len(raw_array) - 1):
        features, target = by_hand(list(raw_array[i]))
        np.testing.assert_allclose(X[i], features, rtol=1e-14)
        assert y[i] == pytest.approx(target, rel=1e-14)


def test_archive_as_downloaded_is_read(tmp_path, raw_array):
    text = io.StringIO()
    np.savetxt(text, raw_array[:50], delimiter=",", fmt="%.6f")
    payload = text.getvalue().encode()
    archive = tmp_path / "cal_housing.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("CaliforniaHousing/cal_housing.data")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    X, y = data.load_raw(data.find_data(archive))
    features, target = by_hand(list(raw_array[3]))
    assert X.shape == (50, 8)
    np.testing.assert_allclose(X[3], features, rtol=1e-12)
    assert y[3] == pytest.approx(target, rel=1e-12)


# --- finding ------------------------------------------------------------------------------


def test_explicit_missing_path_is_not_found_and_named(tmp_path):
    missing = tmp_path / "nowhere" / "cal_housing.data"
    with pytest.raises(DataNotFound) as exc:
        data.find_data(missing)
    assert str(missing) in str(exc.value)
    for remedy in ("--data", "fetch_california_housing", "SCIKIT_LEARN_DATA"):
        assert remedy in str(exc.value)


def test_explicit_directory_holding_the_file(tmp_path, raw_array):
    raw_file = write_raw(tmp_path / "cal_housing.data", raw_array[:20])
    source = data.find_data(tmp_path)
    assert source == DataSource("file", str(raw_file))
    assert "given with --data" in source.describe()


def test_explicit_directory_without_data_is_not_found(tmp_path):
    (tmp_path / "other.csv").write_text("1,2\n")
    with pytest.raises(DataNotFound, match="holds none of"):
        data.find_data(tmp_path)


def test_nothing_found_lists_places_and_remedies(tmp_path, monkeypatch):
    ghost = tmp_path / "removed" / "cal_housing.data.gz"
    monkeypatch.setattr(data.files, "BUNDLED", ghost)
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "skl"))
    with pytest.raises(DataNotFound) as exc:
        data.find_data()
    message = str(exc.value)
    for needle in ("--data", "fetch_california_housing", "SCIKIT_LEARN_DATA", "GRADER_DATA",
                   str(ghost), str(tmp_path / "skl" / "cal_housing_py3.pkz")):
        assert needle in message
    assert any(str(ghost) in place for place in exc.value.searched)


def test_search_order_explicit_env_cache_bundled(tmp_path, raw_array, monkeypatch):
    dirs = {k: tmp_path / k for k in ("explicit", "env", "cache")}
    for d in dirs.values():
        d.mkdir()
    write_raw(dirs["explicit"] / "cal_housing.data", raw_array[:20])
    write_raw(dirs["env"] / "cal_housing.data", raw_array[:20])
    joblib.dump(raw_array[:20, SKLEARN_ORDER], dirs["cache"] / "cal_housing_py3.pkz")
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(dirs["cache"]))
    monkeypatch.setenv("GRADER_DATA", str(dirs["env"]))

    assert data.find_data(dirs["explicit"]).kind == "file"
    assert data.find_data().kind == "env"
    monkeypatch.delenv("GRADER_DATA")
    assert data.find_data().kind == "sklearn-cache"
    (dirs["cache"] / "cal_housing_py3.pkz").unlink()
    assert data.find_data() == DataSource("bundled", str(data.BUNDLED))


def test_grader_data_pointing_nowhere_is_an_error_not_a_fallback(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_DATA", str(tmp_path / "missing.data"))
    with pytest.raises(DataNotFound, match="GRADER_DATA"):
        data.find_data()


def test_find_data_does_not_create_the_sklearn_cache_directory(tmp_path, monkeypatch):
    home = tmp_path / "never_created"
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(home))
    monkeypatch.setattr(data.files, "BUNDLED", tmp_path / "removed.gz")
    with pytest.raises(DataNotFound):
        data.find_data()
    assert not home.exists()


# --- malformed files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, what",
    [
        ("1,2,3,4,5,6,7,8\n" * 20, "9 columns"),
        ("a,b,c,d,e,f,g,h,i\n" * 20, "not a California Housing file"),
        ("1,2,3,4,5,6,7,8,9\n" * 19 + "1,2,3,4,5,6,7,8\n", "not a California Housing file"),
        ("", "rows"),
        ("1,2,3,4,5,6,7,8,9\n" * 19 + "1,2,3,4,nan,6,7,8,9\n", "not finite"),
        ("1,2,3,4,5,6,7,8,9\n" * 19 + "1,2,3,4,5,6,0,8,9\n", "households"),
    ],
    ids=["8-columns", "text", "ragged", "empty", "nan", "zero-households"],
)
def test_malformed_text_file_raises_data_error(tmp_path, content, what):
    bad = tmp_path / "cal_housing.data"
    bad.write_text(content)
    with pytest.raises(DataError) as exc:
        data.load_raw(data.find_data(bad))
    assert str(bad) in str(exc.value)
    assert what in str(exc.value)


@pytest.mark.parametrize(
    "obj, what",
    [(np.zeros((30, 8)), "shape"), ({"data": 1}, "numpy array")],
    ids=["wrong-shape", "not-an-array"],
)
def test_malformed_pkz_raises_data_error(tmp_path, obj, what):
    bad = tmp_path / "cal_housing_py3.pkz"
    joblib.dump(obj, bad, compress=6)
    with pytest.raises(DataError, match=what) as exc:
        data.load_raw(data.find_data(bad))
    assert str(bad) in str(exc.value)


def test_corrupt_pkz_raises_data_error(tmp_path):
    bad = tmp_path / "cal_housing_py3.pkz"
    bad.write_bytes(b"\x00not a joblib file" * 10)
    with pytest.raises(DataError) as exc:
        data.load_raw(data.find_data(bad))
    assert str(bad) in str(exc.value)


# --- synthetic ------------------------------------------------------------------------------


def test_synthetic_has_the_real_shape_and_semantics():
    X, y = data.synthetic(2000, seed=0)
    assert X.shape == (2000, 8) and y.shape == (2000,)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert np.isfinite(X).all() and np.isfinite(y).all()
    assert (y > 0).all() and 1.5 < y.mean() < 2.5
    occup = X[:, 5]
    assert occup.max() > 100 * np.median(occup)  # heavy-tailed, like AveOccup
    assert (X[:, 6] > 32).all() and (X[:, 7] < -114).all()  # Latitude, Longitude
    X2, y2 = data.synthetic(2000, seed=0)
    np.testing.assert_array_equal(X, X2)
    X3, _ = data.synthetic(2000, seed=1)
    assert not np.array_equal(X, X3)


def test_synthetic_has_a_linear_signal():
    X, y = data.synthetic(2000, seed=0)
    split = data.prepare(X, y, source=DataSource("synthetic", None))
    opt = data.closed_form(split)
    assert opt.train_mse < 0.6 * float(np.var(split.y_train))


# --- scikit-learn's cache is read without unpickling (issue 17.1) -------------------------------------------


@pytest.mark.parametrize("compress", [6, 0, ("gzip", 3), ("bz2", 3), ("xz", 3)],
                         ids=["zlib-6 (scikit-learn)", "none", "gzip", "bz2", "xz"])
def test_a_cache_written_by_joblib_loads_equal_to_the_raw_file(tmp_path, raw_array, compress):
    pkz = tmp_path / "cal_housing_py3.pkz"
    joblib.dump(raw_array[:, SKLEARN_ORDER], pkz, compress=compress)
    X, y = data.load_raw(data.find_data(pkz))
    Xr, yr = data.load_raw(DataSource("file", str(write_raw(tmp_path / "cal_housing.data", raw_array))))
    np.testing.assert_array_equal(X, Xr)
    np.testing.assert_array_equal(y, yr)


def test_the_real_cache_of_scikit_learn_loads_equal_to_the_bundled_copy(tmp_path, real):
    """The cache exactly as fetch_california_housing writes it (joblib.dump(array, path, compress=6))."""
    _, X, y = real
    rows = np.array(real_rows())
    joblib.dump(rows[:, SKLEARN_ORDER], tmp_path / "cal_housing_py3.pkz", compress=6)
    Xc, yc = data.load_raw(data.find_data(tmp_path / "cal_housing_py3.pkz"))
    np.testing.assert_array_equal(Xc, X)
    np.testing.assert_array_equal(yc, y)


class Payload:
    """Unpickling this creates the file ``marker``: the proof that a pickle ran code in the grader's process."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


class Sneaky(np.ndarray):
    """An array subclass: joblib records the class and would import it (here: a class of the test module)."""


def _pickles(marker: Path) -> dict:
    import pickle

    return {
        "joblib zlib": lambda p: joblib.dump(Payload(marker), p, compress=6),
        "joblib raw": lambda p: joblib.dump(Payload(marker), p),
        "plain pickle": lambda p: p.write_bytes(pickle.dumps(Payload(marker), protocol=2)),
        "inside a list": lambda p: joblib.dump([1, Payload(marker)], p, compress=3),
        "object array": lambda p: joblib.dump(np.array([Payload(marker)] * 9, dtype=object).reshape(1, 9), p),
        "array subclass": lambda p: joblib.dump(np.zeros((20, 9)).view(Sneaky), p),
        "numpy's own reduce": lambda p: p.write_bytes(pickle.dumps(np.zeros((20, 9)))),
    }


@pytest.mark.parametrize("kind", list(_pickles(Path("x"))))
def test_a_pickle_is_never_run_only_refused(tmp_path, kind):
    marker = tmp_path / "pwned"
    bad = tmp_path / "cal_housing_py3.pkz"
    _pickles(marker)[kind](bad)
    with pytest.raises(DataError) as exc:
        data.load_raw(data.find_data(bad))
    assert not marker.exists()
    assert str(bad) in str(exc.value) and "scikit-learn" in str(exc.value)


def test_a_refused_cache_skips_the_training_checks_with_the_reason(tmp_path):
    from conftest import REFERENCE, grade, statuses

    marker = tmp_path / "pwned"
    bad = tmp_path / "cal_housing_py3.pkz"
    joblib.dump(Payload(marker), bad, compress=6)
    report = grade(REFERENCE, "load", "train.batch", data_path=str(bad))
    assert statuses(report) == {"load": "passed", "train.batch": "skipped"}
    assert str(bad) in report.check("train.batch").message
    assert not marker.exists()
