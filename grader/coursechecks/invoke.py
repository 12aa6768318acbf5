"""One ``pytest.main`` call on the course's paths, isolated from everything else, one at a time.

pytest runs in the grader's process (the course's files are trusted, like its configuration). What it is
told, and why:

- only the course's paths, with ``--rootdir`` and ``--confcutdir`` at their common folder and an empty
  configuration file (``-c``): no ``pytest.ini`` / ``pyproject.toml`` / ``conftest.py`` above the course's
  folder is read, and none in a hand-in (hand-ins are never collected: :class:`~.plugin.CollectPlugin`);
- ``--disable-plugin-autoload``: plugins installed on the machine (xdist, randomly, ...) do not join; only
  pytest-json-report, explicitly;
- ``-p no:cacheprovider`` and no bytecode written (``sys.dont_write_bytecode`` for the run): nothing is
  written into the course's folder (no ``.pytest_cache``, no ``__pycache__``) nor anywhere else;
- ``--import-mode=importlib``: no ``sys.path`` change, and a course's ``conftest.py`` or ``test_checks.py``
  never collides with a module of the same name (the course's modules are forgotten after each run);
- ``--capture=no`` and no logging, warnings, faulthandler, unraisableexception or threadexception plugins:
  those change process-wide state (file descriptors, the root logger, warning filters, signal handlers,
  ``sys.unraisablehook``, ``threading.excepthook``) that the other threads of a class run share; the last
  two also cost 2 s per run of ``gc.collect()`` with torch loaded; the terminal reporter is unregistered once configured (:class:`~.plugin.CollectPlugin`), so pytest
  prints nothing (its options stay defined: other plugins read them);
- ``--strict-markers``: a misspelt ``@pytest.mark.hiden`` is an error, not a hidden check shown to students.

``pytest.main`` is not thread-safe (assertion rewriting hooks, ``sys.modules``): :data:`LOCK` serialises the
runs of a class (the hand-ins' built-in checks still run in parallel; the course checks of one hand-in run
while the others wait on their own student processes or on this lock).
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Sequence

LOCK = threading.RLock()
_INI: list[str] = []


def _empty_ini() -> str:
    """An empty pytest configuration file, made once per process outside every course and hand-in."""
    if not _INI:
        folder = tempfile.mkdtemp(prefix="grader-pytest-")
        atexit.register(shutil.rmtree, folder, True)
        ini = Path(folder) / "pytest.ini"
        ini.write_text("[pytest]\n", encoding="utf-8")
        _INI.append(str(ini))
    return _INI[0]


def rootdir(paths: Sequence[str]) -> str:
    """The folder common to the course's paths (a file counts as its folder)."""
    folders = [p if os.path.isdir(p) else os.path.dirname(p) for p in paths]
    return os.path.commonpath(folders)


def args(paths: Sequence[str], *extra: str) -> list[str]:
    root = rootdir(paths)
    return [*paths, f"--rootdir={root}", f"--confcutdir={root}", "-c", _empty_ini(),
            "--disable-plugin-autoload", "-p", "pytest_jsonreport.plugin",
            "-p", "no:cacheprovider", "-p", "no:stepwise", "-p", "no:logging",
            "-p", "no:warnings", "-p", "no:faulthandler", "-p", "no:pastebin", "-p", "no:junitxml",
            "-p", "no:doctest", "-p", "no:unraisableexception", "-p", "no:threadexception", "--import-mode=importlib", "--capture=no", "--strict-markers", *extra]


def main(paths: Sequence[str], plugins: Sequence[Any], *extra: str) -> int:
    """``pytest.main`` on ``paths`` with ``plugins``, under :data:`LOCK`; the course's modules are then
    forgotten, so the next run imports them afresh."""
    import pytest

    with LOCK:
        before = set(sys.modules)
        writes_bytecode = sys.dont_write_bytecode
        sys.dont_write_bytecode = True
        try:
            return int(pytest.main(args(paths, *extra), plugins=list(plugins)))
        finally:
            sys.dont_write_bytecode = writes_bytecode
            _forget_modules(before, rootdir(paths))


def _forget_modules(before: set[str], root: str) -> None:
    for name in set(sys.modules) - before:
        module = sys.modules.get(name)
        file = getattr(module, "__file__", None) or ""
        if file and (file == root or file.startswith(root.rstrip(os.sep) + os.sep)):
            del sys.modules[name]
