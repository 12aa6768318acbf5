"""The stand-in objects ``stubs.py`` hands to a submission for a library it may not use for real.

Standalone (standard library only; numpy only if already importable, for matplotlib's arrays of
axes), loaded by ``stubs.py`` the first time a stand-in is needed. Runs in the student's process.

A stand-in behaves like the library for everything a student does with it that cannot change a
graded value, and does nothing visible: no bar is drawn, no figure rendered, no file written.

- :class:`StandIn`: anything of a library without a dedicated stand-in. Attributes, calls, items
  and ``with`` give more stand-ins; ``isinstance(x, stand_in)`` is False; a class may derive from
  one. Iterating it yields nothing, except for the data libraries (``stubs.DATA_LIBRARIES``), whose
  stand-ins raise :class:`StandInError` when a value is asked of them (iterating, ``len``,
  ``float``), so a loop over missing data fails saying why instead of silently doing nothing.
- tqdm: :class:`tqdm` iterates over what it wraps, is a context manager, and has ``update``,
  ``set_postfix``, ``set_description``, ``close``, ``write``...; ``trange``; the ``auto``,
  ``autonotebook``, ``notebook``, ``std`` and ``contrib`` modules.
- icecream: ``ic(x)`` returns ``x`` (``ic(a, b)`` returns ``(a, b)``), prints nothing.
- tensorboard: :class:`SummaryWriter` (``torch.utils.tensorboard`` and ``tensorboardX``).
- matplotlib: ``stubs_plot.py`` (figures and axes with the arity of the real calls).
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import os
import sys

class StandInError(TypeError):
    """A value was asked of a stand-in for a data library that is not installed here."""


class StandIn:
    """Anything of a library replaced by a stand-in: every use does nothing and gives a stand-in back."""

    __slots__ = ("_name", "_data")

    def __init__(self, name: str = "stand-in", data: bool = False):
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_data", data)

    def __getattr__(self, attr: str):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return StandIn(f"{self._name}.{attr}", self._data)

    def __setattr__(self, attr, value):
        pass

    def __delattr__(self, attr):
        pass

    def __call__(self, *args, **kwargs):
        return StandIn(f"{self._name}()", self._data)

    def __getitem__(self, key):
        return StandIn(f"{self._name}[]", self._data)

    def __setitem__(self, key, value):
        pass

    def __delitem__(self, key):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __iter__(self):
        if self._data:
            raise self._no_value("iterate over")
        return iter(())

    def __len__(self):
        if self._data:
            raise self._no_value("measure")
        return 0

    def __bool__(self):
        return True

    def __contains__(self, item):
        return False

    def __float__(self):
        raise self._no_value("use as a number")

    __int__ = __index__ = __complex__ = __float__

    def __format__(self, spec):
        return repr(self)

    def __repr__(self):
        return f"<stand-in for {self._name}>"

    def __instancecheck__(self, obj):
        return False

    def __subclasscheck__(self, cls):
        return False

    def __mro_entries__(self, bases):
        return (StandInBase,)

    def _no_value(self, what: str) -> StandInError:
        library = self._name.partition(".")[0]
        return StandInError(f"{self._name} comes from a stand-in: {library} is not installed in the grading "
                            f"environment, so there is nothing to {what}")


class StandInBase:
    """What a class deriving from a stand-in derives from."""

    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, attr: str):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return StandIn(f"{type(self).__name__}.{attr}")


def nothing(*args, **kwargs) -> None:
    """A function of a library that only shows, draws or saves something."""
    return None


# ---------------------------------------------------------------- tqdm

class tqdm(StandInBase):  # noqa: N801 - named like the class it stands for
    """tqdm's progress bar, without the bar: iterates over ``iterable`` and counts in ``n``."""

    def __init__(self, iterable=None, desc=None, total=None, *args, **kwargs):
        self.iterable = iterable
        self.desc = desc or ""
        if total is None and iterable is not None:
            try:
                total = len(iterable)
            except (TypeError, AttributeError):
                total = None
        self.total = total
        self.n = kwargs.get("initial", 0)
        self.disable = bool(kwargs.get("disable", False))
        self.postfix = kwargs.get("postfix")
        self.leave = kwargs.get("leave", True)
        self.pos = kwargs.get("position") or 0

    def __iter__(self):
        for obj in self.iterable:
            yield obj
            self.n += 1

    def __len__(self):
        if self.iterable is None:
            return self.total
        if hasattr(self.iterable, "shape"):
            return self.iterable.shape[0]
        if hasattr(self.iterable, "__len__"):
            return len(self.iterable)
        if hasattr(self.iterable, "__length_hint__"):
            return self.iterable.__length_hint__()
        return self.total

    def __bool__(self):
        if self.total is not None:
            return self.total > 0
        if self.iterable is None:
            raise TypeError("bool() undefined when iterable == total == None")
        return bool(self.iterable)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self):
        return f"{self.desc}{self.n}/{self.total if self.total is not None else '?'}"

    def update(self, n=1):
        self.n += n

    def reset(self, total=None):
        self.n = 0
        if total is not None:
            self.total = total

    def set_description(self, desc=None, refresh=True):
        self.desc = f"{desc}: " if desc else ""

    def set_description_str(self, desc=None, refresh=True):
        self.desc = desc or ""

    def set_postfix(self, ordered_dict=None, refresh=True, **kwargs):
        self.postfix = {**(ordered_dict or {}), **kwargs}  # kept as given: formatting a tensor costs time

    def set_postfix_str(self, s="", refresh=True):
        self.postfix = str(s)

    close = clear = refresh = unpause = display = moveto = nothing

    @property
    def format_dict(self):
        return {"n": self.n, "total": self.total, "elapsed": 0.0, "desc": self.desc, "postfix": self.postfix}

    @classmethod
    def write(cls, s, file=None, end="\n", nolock=False):
        print(s, end=end, file=file if file is not None else sys.stdout)

    @classmethod
    def external_write_mode(cls, file=None, nolock=False):
        return contextlib.nullcontext()

    @classmethod
    def pandas(cls, *args, **kwargs):
        return None

    @classmethod
    def get_lock(cls):
        return contextlib.nullcontext()

    @classmethod
    def set_lock(cls, lock):
        return None

    @staticmethod
    def format_interval(t):
        minutes, seconds = divmod(int(t), 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours:d}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"

    @staticmethod
    def format_sizeof(num, suffix="", divisor=1000):
        return f"{num}{suffix}"

    @staticmethod
    def format_num(n):
        return str(n)


def trange(*args, **kwargs):
    return tqdm(range(*args), **kwargs)


def tenumerate(iterable, start=0, total=None, tqdm_class=tqdm, **kwargs):
    return enumerate(tqdm_class(iterable, total=total, **kwargs), start)


def tzip(iter1, *iter2plus, **kwargs):
    kwargs.pop("tqdm_class", None)
    yield from zip(tqdm(iter1, **kwargs), *iter2plus)


def tmap(function, *sequences, **kwargs):
    for args in tzip(*sequences, **kwargs):
        yield function(*args)


def thread_map(fn, *iterables, **kwargs):
    return list(map(fn, *iterables))


def tproduct(*iterables, **kwargs):
    kwargs.pop("tqdm_class", None)
    return tqdm(itertools.product(*iterables), **kwargs)


def logging_redirect_tqdm(*args, **kwargs):
    return contextlib.nullcontext()


_BARS = {"tqdm": tqdm, "trange": trange}
TQDM = {
    "tqdm": {**_BARS, "tqdm_notebook": tqdm, "tnrange": trange, "tqdm_gui": tqdm, "tgrange": trange,
             "tqdm_pandas": nothing, "TqdmWarning": Warning, "__version__": "0+stand-in"},
    "tqdm.std": {**_BARS, "TqdmWarning": Warning},
    "tqdm.auto": _BARS, "tqdm.autonotebook": _BARS, "tqdm.asyncio": {**_BARS, "tqdm_asyncio": tqdm},
    "tqdm.notebook": {**_BARS, "tqdm_notebook": tqdm, "tnrange": trange},
    "tqdm.gui": _BARS, "tqdm.rich": _BARS, "tqdm.tk": _BARS,
    "tqdm.contrib": {"tenumerate": tenumerate, "tzip": tzip, "tmap": tmap},
    "tqdm.contrib.concurrent": {"thread_map": thread_map, "process_map": thread_map},
    "tqdm.contrib.itertools": {"product": tproduct},
    "tqdm.contrib.logging": {"logging_redirect_tqdm": logging_redirect_tqdm,
                             "tqdm_logging_redirect": logging_redirect_tqdm},
}


# ---------------------------------------------------------------- icecream

class IceCreamDebugger(StandInBase):
    """``ic``: returns its arguments (None, the argument, or their tuple) and prints nothing."""

    enabled = True

    def __call__(self, *args):
        if not args:
            return None
        return args[0] if len(args) == 1 else args

    def format(self, *args):
        return "ic| " + ", ".join(repr(a) for a in args)

    enable = disable = configureOutput = nothing


ICECREAM = {"icecream": {"ic": IceCreamDebugger(), "install": nothing, "uninstall": nothing,
                         "IceCreamDebugger": IceCreamDebugger}}


# ---------------------------------------------------------------- tensorboard

class SummaryWriter(StandInBase):
    """``SummaryWriter`` of ``torch.utils.tensorboard`` / ``tensorboardX``: writes no event file.

    Every scalar logged (``add_scalar``, ``add_scalars``) goes through :meth:`_scalar`, the one place
    where they could be recorded; today nothing is kept. Every other ``add_*`` does nothing."""

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10, flush_secs=120,
                 filename_suffix="", **kwargs):
        self.log_dir = log_dir if log_dir is not None else kwargs.get("logdir") or os.path.join("runs", "stand-in")
        self.closed = False

    def get_logdir(self):
        return self.log_dir

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False):
        self._scalar(tag, scalar_value, global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        for tag, value in dict(tag_scalar_dict).items():
            self._scalar(f"{main_tag}/{tag}", value, global_step, walltime)

    def _scalar(self, tag, value, step, walltime) -> None:
        """One scalar the student logged (``value`` as given: a float, a tensor...)."""

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None, max_bins=None):
        return None

    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        return None

    add_text = add_image = add_images = add_figure = add_hparams = add_embedding = add_pr_curve = nothing
    add_custom_scalars = add_mesh = add_audio = add_video = add_histogram_raw = flush = nothing

    def close(self):
        self.closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


_WRITER = {"SummaryWriter": SummaryWriter}
TENSORBOARD = {"torch.utils.tensorboard": _WRITER, "torch.utils.tensorboard.writer": _WRITER,
               "tensorboardX": _WRITER, "tensorboardX.writer": _WRITER}


# ---------------------------------------------------------------- the tables

def _plot_tables() -> dict[str, dict]:
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stubs_plot.py")
    spec = importlib.util.spec_from_file_location("grader_student_stubs_plot", path)
    module = importlib.util.module_from_spec(spec)
    module.StandIn, module.StandInBase, module.nothing = StandIn, StandInBase, nothing
    spec.loader.exec_module(module)
    return module.MATPLOTLIB


TABLES: dict[str, dict] = {**TQDM, **ICECREAM, **TENSORBOARD}  # matplotlib's added on first use


def _tables_for(name: str) -> dict[str, dict]:
    if name.partition(".")[0] == "matplotlib" and "matplotlib" not in TABLES:
        TABLES.update(_plot_tables())
    return TABLES


def members(name: str) -> dict:
    """The names the stand-in module ``name`` defines up front (``from x import *`` gives these)."""
    return dict(_tables_for(name).get(name, {}))


def is_module(name: str) -> bool:
    """``name`` is a submodule that has a table of its own."""
    return name in _tables_for(name)
