"""The keys of the configuration file: each TOML key, where it goes in :class:`GradingConfig`, how its value is
read (a bad value raises ``ValueError(reason)``, which :mod:`grader.config.file` turns into a
:class:`ConfigError` naming the file, the key and its line) and written back (``grader config --show``)."""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from grader.config import DEFAULT_POINTS, PassMark, parse_pass_mark

CONVENTIONS = ("lab", "mean")  # the lab's 1/q ‖Ŷ−Y‖², the element mean 1/(q·p)
COURSE_PREFIX = "course."  # the course's own checks (grader.coursechecks)


class ConfigError(Exception):
    """A bad configuration file; ``str()`` is ``FILE:LINE: KEY: reason``."""

    def __init__(self, file: Path | str, reason: str, key: str | None = None, line: int | None = None):
        self.file, self.reason, self.key, self.line = str(file), reason, key, line
        where = self.file + (f":{line}" if line else "")
        super().__init__(f"{where}: {key + ': ' if key else ''}{reason}")
        self.others: tuple[ConfigError, ...] = ()

    def with_others(self, others) -> "ConfigError":
        """This error, and the file's other errors after it (one per line in ``str()``)."""
        self.others = tuple(others)
        if self.others:
            self.args = ("\n".join([self.args[0], *(str(o) for o in self.others)]),)
        return self


# --- value parsers: return the config value, raise ValueError(reason) -------------------------------------

def _integer(minimum: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected an integer, got {_show(value)}")
        if value < minimum:
            raise ValueError(f"expected an integer ≥ {minimum}, got {value}")
        return value
    return parse


def _number(low: float, high: float = math.inf, low_open: bool = False, high_open: bool = False,
            note: str = "") -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number, got {_show(value)}")
        ok = (value > low if low_open else value >= low) and (value < high if high_open else value <= high)
        if not ok or math.isnan(value):
            if math.isinf(high):
                wanted = f"a number {'>' if low_open else '≥'} {low:g}"
            else:
                wanted = f"a number in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
            raise ValueError(f"expected {wanted}{note}, got {value!r}")
        return float(value)
    return parse


def _check_ids(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of check ids, got {_show(value)}")
    for item in value:
        if item not in DEFAULT_POINTS and not item.startswith(COURSE_PREFIX):  # course.*: checked once collected
            raise ValueError(f"unknown check id {item!r}{_did_you_mean(item, DEFAULT_POINTS)}")
    return tuple(dict.fromkeys(value))


def _paths(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"expected a list of paths (files or folders of pytest checks), got {_show(value)}")
    return tuple(value)


def _conventions(value: Any) -> bool:
    """``["lab", "mean"]`` (the default) -> strict_mse False; ``["lab"]`` -> True."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list among {list(CONVENTIONS)}, got {_show(value)}")
    for item in value:
        if item not in CONVENTIONS:
            raise ValueError(f"unknown MSE convention {item!r} (known: \"lab\" = 1/q ‖Ŷ−Y‖², "
                             "\"mean\" = 1/(q·p) ‖Ŷ−Y‖²)")
    if "lab" not in value:
        raise ValueError("the lab's own convention \"lab\" must be accepted")
    return "mean" not in value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"expected a non-empty string, got {_show(value)}")
    return value


def _sandbox_level(value: Any) -> str:
    from grader.sandbox.isolation import LEVELS

    if value not in ("auto",) + LEVELS:
        raise ValueError(f"expected one of \"auto\", {', '.join(repr(v) for v in LEVELS)}; got {_show(value)}")
    return value


def _required_level(value: Any) -> str:
    from grader.sandbox.isolation import LEVELS

    if value not in LEVELS:
        raise ValueError(f"expected one of {', '.join(repr(v) for v in LEVELS)}; got {_show(value)}")
    return value


def _integrity_mode(value: Any) -> str:
    if value not in ("fail", "warn"):
        raise ValueError(f"expected \"fail\" or \"warn\", got {_show(value)}")
    return value


def _pass_mark(value: Any) -> PassMark:
    return parse_pass_mark(value)


def _show(value: Any) -> str:
    kind = {bool: "a boolean", str: "a string", list: "a list", dict: "a table"}.get(type(value))
    return f"{kind} {value!r}" if kind and not isinstance(value, dict) else (kind or repr(value))


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --- the keys -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Key:
    """One TOML key: where it goes in :class:`GradingConfig` and how it is read and written back."""

    path: str  # dotted TOML path, e.g. "train.sgd.epsilon"
    field: str  # GradingConfig field; "points:<id>" or "<settings>.<attribute>" for nested values
    parse: Callable[[Any], Any]
    doc: str
    to_toml: Callable[[Any], Any] = lambda value: value  # config value -> TOML value (None: not set)


_POSITIVE_S = _number(0, 86400, low_open=True)
_MARGIN = _number(0, 1, note=": a fraction, 0.05 means 5 %")
_EPSILON = _number(0, math.inf, low_open=True, high_open=True)

KEYS: tuple[Key, ...] = (
    Key("seed", "seed", _integer(0), "seed of the grader's inputs and of the student's process"),
    Key("pass_mark", "pass_mark", _pass_mark, "single check: exit 0 when the score reaches it (points, or "
        "\"70%\" of the maximum); not set: every check must pass",
        lambda mark: None if mark is None else (f"{mark.value:g}%" if mark.percent else mark.value)),
    Key("hidden", "hidden", _check_ids, "checks hidden from students (run with --teacher and in class mode)",
        list),
    Key("course_checks", "course_checks", _paths, "the course's own checks: pytest files and folders, relative "
        "to this file (docs/course-checks.md)", list),
    *(Key(f"points.{cid}", f"points:{cid}", _number(0, 1000), "points" if i else "points per check")
      for i, cid in enumerate(DEFAULT_POINTS)),
    Key("mse.conventions", "strict_mse", _conventions, "accepted MSE: \"lab\" = 1/q ‖Ŷ−Y‖², \"mean\" = "
        "1/(q·p) ‖Ŷ−Y‖² when its backward agrees ([\"lab\"] is --strict-mse)",
        lambda strict: ["lab"] if strict else ["lab", "mean"]),
    Key("time_limits.load", "load_timeout_s", _POSITIVE_S, "seconds (wall clock) to import the three files"),
    Key("time_limits.check", "check_timeout_s", _POSITIVE_S, "seconds per check"),
    Key("time_limits.training", "training_timeout_s", _POSITIVE_S, "seconds per training check and "
        "descent.manual"),
    Key("time_limits.submission", "submission_timeout_s", _POSITIVE_S, "seconds for all the checks of one "
        "submission (the checks left time out)"),
    Key("sandbox.level", "sandbox", _sandbox_level, "\"auto\" (the strongest that works), \"bwrap\", "
        "\"unshare\" or \"none\" (docs/security.md)"),
    Key("sandbox.require", "require_sandbox", _required_level, "refuse to grade (exit 2) when the level "
        "this machine gives is weaker: \"bwrap\", \"unshare\" or \"none\" (no requirement)"),
    Key("sandbox.memory_mb", "limits.address_space_mb", _integer(512), "address space of the student process"),
    Key("sandbox.cpu_s", "limits.cpu_s", _integer(1), "CPU seconds of one student process"),
    Key("sandbox.output_mb", "limits.file_size_mb", _integer(1), "largest file (and captured output) it "
        "may write"),
    Key("sandbox.open_files", "limits.open_files", _integer(16), "open files"),
    Key("sandbox.processes", "limits.processes", _integer(1), "processes and threads (under a dedicated uid)"),
    Key("descent.epsilon", "descent_epsilon", _EPSILON, "descent.manual: learning rate"),
    Key("descent.n_iter", "descent_n_iter", _integer(1), "descent.manual: iterations"),
    Key("descent.margin", "descent_rel_margin", _MARGIN, "descent.manual: MSE ≤ optimum × (1 + margin)"),
    Key("data.path", "data_path", _text, "California Housing (file or folder), relative to this file; "
        "not set: --data, GRADER_DATA, scikit-learn's cache, the bundled copy"),
    Key("data.split_seed", "split_seed", _integer(0), "seed of the 80/20 train/test permutation"),
    Key("data.test_fraction", "test_fraction", _number(0, 1, low_open=True, high_open=True),
        "share of the rows in the test part"),
    *(Key(f"train.{name}.{attr}", f"{name}.{field}", parse, doc)
      for name in ("batch", "sgd", "minibatch")
      for attr, field, parse, doc in (
          ("epsilon", "epsilon", _EPSILON, f"train.{name}: learning rate handed to the student's loop"),
          ("n_epochs", "n_epochs", _integer(1), "epochs"),
          *((("batch_size", "batch_size", _integer(1), "batch size"),) if name == "minibatch" else ()),
          *((("train_rows", "train_rows", _integer(1), "the loop gets the first train_rows train rows (MSEs "
              "on all of them; more than the train part's 16,512: every row)"),) if name == "sgd" else ()),
          ("margin", "rel_margin", _MARGIN, "train and test MSE ≤ optimum × (1 + margin)"))),
    Key("integrity.autograd_in_backward", "autograd_in_backward", _integrity_mode, "a backward that asks "
        "autograd for its gradients: \"fail\" its backward and gradcheck checks, or \"warn\" (points kept)"),
    Key("integrity.similarity_threshold", "similarity_threshold", _number(0, 1), "class runs: pairs of hand-ins "
        "scoring above it are flagged in similarity.json (evidence, never points; docs/integrity.md)"),
    Key("integrity.handout", "handout", _text, "the code students received (file or folder), relative to this "
        "file, removed before comparing; not set: student_template/ beside this file"),
)
KEYS_BY_PATH = {key.path: key for key in KEYS}
TRAINING = ("batch", "sgd", "minibatch")
NESTED = TRAINING + ("limits",)  # GradingConfig fields that are frozen dataclasses


def course_points_key(path: str) -> Key | None:
    """``points."course.<name>"``: a course check's points (its id is checked once the checks are collected)."""
    if not path.startswith("points." + COURSE_PREFIX) or len(path) <= len("points." + COURSE_PREFIX):
        return None
    cid = path[len("points."):]
    return Key(path, f"points:{cid}", _number(0, 1000), "points")
