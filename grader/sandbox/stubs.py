"""Stand-ins for the optional libraries a submission imports, for the submission's own imports only.

Standalone (standard library only): ``child.py`` loads it by path from the work folder, like
``confine.py``, and calls :func:`install` before importing the submission. Runs in the student's
process.

Which import gets a stand-in
    Only an ``import`` statement written in a file of the submission. Every module loaded from the
    submission's folder is executed with its own ``__builtins__`` whose ``__import__`` is
    :meth:`StandIns.student_import`; every other module (torch, scikit-learn, the standard library)
    keeps the interpreter's. So ``import tqdm`` inside a student's function called back by
    scikit-learn gets the stand-in (the statement is the student's), while scikit-learn's own
    ``import pandas``, or its ``"pandas" in sys.modules`` probe, sees exactly the environment:
    a stand-in never enters ``sys.modules``. ``importlib.import_module`` called by the student
    is not an ``import`` statement and gets no stand-in.

What gets one
    - a module of :data:`OPTIONAL_MODULES` that is not installed (or every one of them when forced,
      below): a stand-in, and one warning per library (``MISSING``);
    - :data:`ALWAYS`, installed or not: ``torch.utils.tensorboard`` and ``tensorboardX`` give the
      ``SummaryWriter`` stand-in, which writes no event files into the copy (docs/optional-modules.md
      says why); no warning, it is the grading environment's choice;
    - ``tqdm.notebook`` with the real tqdm gives ``tqdm.autonotebook`` instead (tqdm's own fallback
      outside a notebook: ``tqdm.notebook.tqdm`` fails without Jupyter widgets).

Forcing (tests only): ``install(..., force=True)`` gives every optional module a stand-in even
when it is installed, as on a machine set up without the ``student-libs`` extra. The grader asks
for it when its own environment has ``GRADER_FORCE_STANDINS=1`` (``grader/sandbox/session.py``).

The stand-in objects themselves live in ``stubs_libs.py`` (loaded on the first stand-in handed out:
a submission that imports nothing optional never loads it).
"""

from __future__ import annotations

import builtins
import importlib.machinery
import importlib.util
import os
import sys
import types

# Libraries real TP1 files import for logging, plotting, debugging or data loading.
OPTIONAL_MODULES = frozenset({
    "tensorboard", "tensorboardX", "icecream", "matplotlib", "tqdm", "datamaestro", "seaborn", "plotly",
    "wandb", "IPython", "pandas", "ipdb", "pdbpp", "rich",
})
ALWAYS = ("torch.utils.tensorboard", "tensorboardX")
REAL_REDIRECTS = {"tqdm.notebook": "tqdm.autonotebook"}
DATA_LIBRARIES = frozenset({"pandas", "datamaestro"})  # their stand-ins raise when a value is asked of them
# The warnings (grader/failures.py turns them into catalogue messages: keep the three in step).
MISSING = "{module} is not installed here: replaced by a stand-in that keeps the code running but shows, " \
          "draws and saves nothing"
MISSING_DATA = "{module} is not installed here: replaced by a stand-in that has no data (using its data is an error)"
_WRITER_ROOTS = frozenset(name.partition(".")[0] for name in ALWAYS) - OPTIONAL_MODULES  # {"torch"}


def _always(name: str) -> bool:
    for prefix in ALWAYS:
        if name.startswith(prefix) and (len(name) == len(prefix) or name[len(prefix)] == "."):
            return True
    return False


def _standable(name: str) -> bool:
    """A module that has a stand-in module when it needs one (``torch.utils`` has not)."""
    return _always(name) or name.partition(".")[0] in OPTIONAL_MODULES


class StandInModule(types.ModuleType):
    """A module of a library replaced by a stand-in: its names come from ``stubs_libs.members``, and
    any other name is an inert stand-in object."""

    def __init__(self, name: str, owner: "StandIns"):
        super().__init__(name)
        self.__path__ = []  # a package: its submodules import too
        self.__file__ = None
        object.__setattr__(self, "_owner", owner)
        members = owner.libs().members(name)
        self.__dict__.update(members)
        self.__all__ = sorted(members)

    def __getattr__(self, attr: str):
        if attr.startswith("__") and attr.endswith("__"):
            if attr == "__version__":
                return "0+stand-in"
            raise AttributeError(attr)
        value = self._owner.member(self.__name__, attr)
        setattr(self, attr, value)
        return value

    def __repr__(self) -> str:
        return f"<stand-in module {self.__name__!r}>"


class StudentFileLoader(importlib.machinery.SourceFileLoader):
    """Loads a file of the submission with the student's ``__builtins__`` (whose ``__import__`` decides
    the stand-ins)."""

    student_builtins: dict = {}

    def exec_module(self, module):
        module.__dict__["__builtins__"] = self.student_builtins
        super().exec_module(module)


class StudentFileFinder:
    """On ``sys.meta_path`` just before the path finder: finds what the path finder would find in the
    submission's folder, with :class:`StudentFileLoader` as loader. Other modules: not its business."""

    def __init__(self, submission: str, student_builtins: dict):
        self.submission = submission
        self.student_builtins = student_builtins

    def _inside(self, folder: str) -> bool:
        return folder == self.submission or folder.startswith(self.submission + os.sep)

    def find_spec(self, fullname, path=None, target=None):
        folders = [self.submission] if path is None else [p for p in path if isinstance(p, str) and self._inside(p)]
        if not folders:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, folders)
        if spec is None or type(spec.loader) is not importlib.machinery.SourceFileLoader:
            return None
        loader = StudentFileLoader(fullname, spec.origin)
        loader.student_builtins = self.student_builtins
        spec.loader = loader
        return spec

    def invalidate_caches(self) -> None:
        pass


class StandIns:
    """Decides, for each ``import`` statement of the submission, between the real module and a stand-in."""

    def __init__(self, submission: str, force: bool = False):
        self.submission = submission
        self.force = force
        self.warnings: list[str] = []
        self._installed: dict[str, bool] = {}
        self._modules: dict[str, StandInModule] = {}
        self._libs = None
        self._real_import = builtins.__import__
        self.builtins = dict(builtins.__dict__)
        self.builtins["__import__"] = self.student_import

    # ------------------------------------------------------------ the import statement of a student file
    def student_import(self, name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0:
            root = name.partition(".")[0]
            if root in OPTIONAL_MODULES or (root in _WRITER_ROOTS and name.startswith(ALWAYS) and _always(name)):
                return self._optional(name, globals, locals, fromlist)
            if not fromlist:  # e.g. `import torch` in a function called 60,000 times: what __import__ returns
                module = sys.modules.get(name)
                if module is not None and not getattr(getattr(module, "__spec__", None), "_initializing", False):
                    top = sys.modules.get(root)
                    if top is not None:
                        return top
        return self._real_import(name, globals, locals, fromlist, level)

    def _optional(self, name, globals, locals, fromlist):
        why = self.stand_in_reason(name)
        if why is not None:
            return self._hand_out(name, fromlist, why)
        if fromlist and name in REAL_REDIRECTS:
            name = REAL_REDIRECTS[name]
        return self._real_import(name, globals, locals, fromlist, 0)

    def stand_in_reason(self, name: str) -> str | None:
        """``"always"``, ``"missing"`` (also when forced), or None for the real module."""
        if _always(name):
            return "always"
        root = name.partition(".")[0]
        if root in OPTIONAL_MODULES and (self.force or not self.installed(root)):
            return "missing"
        return None

    def installed(self, root: str) -> bool:
        if root not in self._installed:
            found = root in sys.modules or importlib.machinery.PathFinder.find_spec(root) is not None
            self._installed[root] = found
        return self._installed[root]

    def _hand_out(self, name: str, fromlist, why: str):
        root = name.partition(".")[0]
        if why == "missing":
            note = (MISSING_DATA if root in DATA_LIBRARIES else MISSING).format(module=root)
            if note not in self.warnings:
                self.warnings.append(note)
        module = self.module(name)
        if fromlist:
            return module
        if _standable(root):
            return self.module(root)
        # "import torch.utils.tensorboard": the real torch, whose torch.utils gets the stand-in as attribute
        parent_name, _, child = name.rpartition(".")
        setattr(self._real_import(parent_name, None, None, ("__name__",), 0), child, module)
        return self._real_import(root, None, None, (), 0)

    # ------------------------------------------------------------ stand-in modules
    def module(self, name: str) -> StandInModule:
        """The stand-in of module ``name``, set as attribute of its parent's stand-in."""
        if name not in self._modules:
            self._modules[name] = StandInModule(name, self)
            parent, _, child = name.rpartition(".")
            if parent and _standable(parent):
                setattr(self.module(parent), child, self._modules[name])
        return self._modules[name]

    def member(self, module_name: str, attr: str):
        """Attribute ``attr`` of the stand-in module ``module_name`` not in its table: a known submodule,
        else an inert stand-in object."""
        full = f"{module_name}.{attr}"
        if self.libs().is_module(full):
            return self.module(full)
        return self.libs().StandIn(full, data=full.partition(".")[0] in DATA_LIBRARIES)

    def libs(self):
        """``stubs_libs.py``, loaded from this file's folder the first time a stand-in is needed."""
        if self._libs is None:
            path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stubs_libs.py")
            spec = importlib.util.spec_from_file_location("grader_student_stubs_libs", path)
            self._libs = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(self._libs)
        return self._libs


def install(submission: str, force: bool = False) -> StandIns:
    """Give the files of ``submission`` (a real path) the student's import, before any of them runs."""
    stand_ins = StandIns(submission, force)
    finder = StudentFileFinder(submission, stand_ins.builtins)
    index = next((i for i, f in enumerate(sys.meta_path) if f is importlib.machinery.PathFinder), len(sys.meta_path))
    sys.meta_path.insert(index, finder)
    return stand_ins
