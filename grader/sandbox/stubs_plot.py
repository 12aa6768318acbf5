"""matplotlib's stand-in: figures and axes that draw nothing, with the arity of the real calls.

Loaded by ``stubs_libs.py``, which gives it ``StandIn``, ``StandInBase`` and ``nothing`` before
running it (standard library only; numpy, already imported in the student's process, for the
arrays of axes). Runs in the student's process.

What matters is that a student's plotting code runs to its end exactly as with matplotlib:
``fig, (ax1, ax2) = plt.subplots(1, 2)`` unpacks (``subplots`` gives one axes, or a numpy array
of them shaped and squeezed as matplotlib does), ``line, = plt.plot(x, y)`` unpacks (one line per
``x, y[, fmt]`` group and per column of a 2-D ``y``), ``n, bins, patches = ax.hist(...)``,
``ax.get_xlim()`` is a pair, ``plt.pause`` does not wait. Anything else is an inert stand-in.
"""

from __future__ import annotations

StandIn = globals().get("StandIn")  # given by stubs_libs.py before this file runs
StandInBase = globals().get("StandInBase")
nothing = globals().get("nothing")


class Artist(StandInBase):
    """A line, a patch, an image, a legend...: every method does nothing."""

    def __init__(self, kind: str = "Artist"):
        self.kind = kind

    def __repr__(self):
        return f"<stand-in for matplotlib {self.kind}>"


class Container(list):
    """What ``bar`` returns: a list of patches (iterable, indexable) with any attribute."""

    def __getattr__(self, attr: str):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return StandIn(f"matplotlib.container.{attr}")


def _columns(value) -> int:
    shape = getattr(value, "shape", None)
    if shape is not None:
        return int(shape[1]) if len(shape) == 2 else 1
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], (list, tuple)):
        return len(value[0])
    return 1


def line_count(args: tuple, kwargs: dict) -> int:
    """How many lines ``plot(*args)`` draws: one per ``[x], y, [fmt]`` group and per column of ``y``."""
    if "data" in kwargs:
        return 1 if args else 0
    rest, count = list(args), 0
    while rest:
        first = rest.pop(0)
        second = rest.pop(0) if rest and not isinstance(rest[0], str) else None
        if rest and isinstance(rest[0], str):
            rest.pop(0)
        count += max(_columns(first), _columns(second)) if second is not None else _columns(first)
    return count


def _limits(args: tuple, kwargs: dict) -> tuple:
    if len(args) == 2:
        return tuple(args)
    if len(args) == 1 and isinstance(args[0], (list, tuple)) and len(args[0]) == 2:
        return tuple(args[0])
    return (kwargs.get("left", kwargs.get("bottom", 0.0)), kwargs.get("right", kwargs.get("top", 1.0)))


class Axes(StandInBase):
    """An axes: plotting calls return what matplotlib's return, drawn nowhere."""

    def plot(self, *args, **kwargs):
        return [Artist("Line2D") for _ in range(line_count(args, kwargs))]

    def hist(self, x, *args, **kwargs):
        return StandIn("matplotlib hist counts"), StandIn("matplotlib hist bins"), Container()

    def bar(self, x, *args, **kwargs):
        try:
            n = len(x)
        except TypeError:
            n = 1
        return Container(Artist("Rectangle") for _ in range(n))

    barh = bar

    def errorbar(self, *args, **kwargs):
        return (Artist("Line2D"), (), ())

    def boxplot(self, *args, **kwargs):
        return {k: [] for k in ("whiskers", "caps", "boxes", "medians", "fliers", "means")}

    def violinplot(self, *args, **kwargs):
        return {"bodies": [], "cmeans": Artist(), "cmins": Artist(), "cmaxes": Artist(), "cbars": Artist()}

    def pie(self, *args, **kwargs):
        return ([], [], []) if kwargs.get("autopct") else ([], [])

    def twinx(self):
        return Axes()

    twiny = twinx

    def get_xlim(self):
        return (0.0, 1.0)

    get_ylim = get_xlim

    def set_xlim(self, *args, **kwargs):
        return _limits(args, kwargs)

    set_ylim = set_xlim

    def get_legend_handles_labels(self, *args, **kwargs):
        return [], []

    def get_lines(self):
        return []

    def __repr__(self):
        return "<stand-in for matplotlib Axes>"


def grid(nrows: int = 1, ncols: int = 1, squeeze: bool = True, make=Axes):
    """``subplots``' axes: one, or a numpy object array (nrows, ncols), squeezed as matplotlib does."""
    cells = [[make() for _ in range(ncols)] for _ in range(nrows)]
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - the student process always has numpy
        np = None
    if squeeze and nrows * ncols == 1:
        return cells[0][0]
    if np is None:  # pragma: no cover
        flat = [a for row in cells for a in row]
        return (flat if squeeze and (nrows == 1 or ncols == 1) else cells)
    array = np.empty((nrows, ncols), dtype=object)
    for i, row in enumerate(cells):
        for j, cell in enumerate(row):
            array[i, j] = cell
    return array.squeeze() if squeeze else array


def _mosaic_labels(mosaic) -> list:
    if isinstance(mosaic, str):
        rows = [r.strip() for r in mosaic.replace(";", "\n").splitlines() if r.strip()]
        cells = [c for r in rows for c in r]
    else:
        cells = [c for row in mosaic for c in (row if isinstance(row, (list, tuple)) else [row])]
    labels = []
    for cell in cells:
        if cell not in labels and cell != "." and cell is not None and not isinstance(cell, (list, tuple)):
            labels.append(cell)
    return labels


class Figure(StandInBase):
    """A figure: ``add_subplot``, ``subplots`` and ``subplot_mosaic`` give axes; nothing is rendered."""

    def add_subplot(self, *args, **kwargs):
        return Axes()

    add_axes = gca = add_subplot

    def subplots(self, nrows=1, ncols=1, *, squeeze=True, **kwargs):
        return grid(nrows, ncols, squeeze)

    def subplot_mosaic(self, mosaic, **kwargs):
        return {label: Axes() for label in _mosaic_labels(mosaic)}

    def subfigures(self, nrows=1, ncols=1, squeeze=True, **kwargs):
        return grid(nrows, ncols, squeeze, make=Figure)

    def get_size_inches(self):
        return (6.4, 4.8)

    def get_axes(self):
        return []

    def __repr__(self):
        return "<stand-in for matplotlib Figure>"


class _Current:
    figure: Figure | None = None
    axes: Axes | None = None


def figure(*args, **kwargs):
    _Current.figure, _Current.axes = Figure(), None
    return _Current.figure


def gcf():
    return _Current.figure or figure()


def gca():
    if _Current.axes is None:
        _Current.axes = Axes()
    return _Current.axes


def subplots(nrows=1, ncols=1, *, squeeze=True, **kwargs):
    fig = figure()
    axes = fig.subplots(nrows, ncols, squeeze=squeeze)
    _Current.axes = axes if isinstance(axes, Axes) else None
    return fig, axes


def subplot_mosaic(mosaic, **kwargs):
    fig = figure()
    return fig, fig.subplot_mosaic(mosaic)


def subplot(*args, **kwargs):
    _Current.axes = Axes()
    return _Current.axes


def _on_axes(method: str):
    def call(*args, **kwargs):
        return getattr(gca(), method)(*args, **kwargs)
    call.__name__ = method
    return call


class RcParams(dict):
    """``matplotlib.rcParams``: settings are kept, an unset one reads as a stand-in."""

    def __missing__(self, key):
        return StandIn(f"matplotlib.rcParams[{key!r}]")


_rc = RcParams()
_shared = {"Figure": Figure, "Axes": Axes, "rcParams": _rc}
PYPLOT = {
    **_shared, "figure": figure, "gcf": gcf, "gca": gca, "subplots": subplots, "subplot_mosaic": subplot_mosaic,
    "subplot": subplot, "axes": subplot, "pause": nothing, "show": nothing, "get_fignums": lambda: [],
    "xlim": _on_axes("set_xlim"), "ylim": _on_axes("set_ylim"),
    **{name: _on_axes(name) for name in ("plot", "hist", "bar", "barh", "errorbar", "boxplot", "violinplot", "pie",
                                         "twinx", "twiny")},
}
MATPLOTLIB = {
    "matplotlib": {**_shared, "use": nothing, "rc": nothing, "get_backend": lambda: "agg", "__version__": "0+stand-in"},
    "matplotlib.pyplot": PYPLOT,
    "matplotlib.figure": {"Figure": Figure},
    "matplotlib.axes": {"Axes": Axes},
}
