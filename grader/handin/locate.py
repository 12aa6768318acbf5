"""Which ``tp1.py`` a hand-in is graded from, and whether a folder is one hand-in or a class.

One rule for ``grader check alice`` and for alice in a class (:mod:`grader.classmode.intake`): the folder
graded is the one holding the **shallowest** ``tp1.py`` of the hand-in, at any depth (an LMS folder, a zip's
own folder, ``src/``); its name in any case (``TP1.py`` is graded as ``tp1.py``); at equal depth the exact name
first, then the first in sorted order, and the report names the others. Hidden folders, ``__MACOSX``,
``__pycache__`` and ``grader-reports`` (the grader's own output) are not searched, and a symbolic link is never
followed: a tp1.py reached through a link is not the hand-in's. An entry named ``tp1.py`` at the top of the hand-in that is not a file (a folder, a link
leaving the hand-in) is what the student handed in, and an error.

A folder is **one hand-in** (:func:`is_single`) when a lab file (``tp1.py``, ``tp1_descente.py``,
``tp1_autograd.py``, whatever its kind) sits at its top, or when every tp1.py in it lies in the folder of the
shallowest one (copies in ``old/`` or ``backup/``). It is a **class** when its tp1.py files sit in folders side
by side, or when it holds Moodle submission folders.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from grader.i18n import Join, Msg, render

LAB_FILES = ("tp1.py", "tp1_descente.py", "tp1_autograd.py")
REPORTS_DIR = "grader-reports"  # the grader's own output folder (default --out): never part of a hand-in
SKIPPED = frozenset({"__MACOSX", "__pycache__", REPORTS_DIR})
MAX_ENTRIES = 50_000  # a folder with more entries is not one hand-in (the search stops there)
MAX_LISTED = 10
MOODLE = re.compile(r"(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?")


class NotASubmission(Exception):
    """Nothing to grade: no ``tp1.py``, or a ``tp1.py`` that is not a file. ``msg`` says why (catalogued)."""

    def __init__(self, msg: Msg):
        self.msg = msg
        super().__init__(render(msg, "en"))


class _TooLarge(Exception):
    pass


@dataclass(frozen=True)
class Located:
    root: Path  # the folder holding the tp1.py graded
    tp1: Path  # that file (``tp1.py``, or ``TP1.py`` graded as tp1.py)
    others: tuple[Path, ...] = ()  # other tp1.py at the same depth, not graded

    def note(self, top: Path) -> Msg | None:
        """What the report says when several tp1.py were at the same depth."""
        if not self.others:
            return None
        return Msg("handin.same_depth", n=len(self.others) + 1, graded=self.tp1.relative_to(top).as_posix())


def skipped(name: str) -> bool:
    return name.startswith(".") or name in SKIPPED


def tp1_files(top: Path, skip: Path | None = None, limit: int = MAX_ENTRIES) -> Iterator[Path]:
    """Regular files named tp1.py (any case) below ``top``, shallowest first, then in sorted order.

    Links are not followed; ``skip`` (a folder) is not entered. Raises :class:`_TooLarge` past ``limit`` entries.
    """
    queue, seen = deque([Path(top)]), 0
    while queue:
        folder = queue.popleft()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue
        seen += len(entries)
        if seen > limit:
            raise _TooLarge
        for entry in entries:
            if skipped(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                if skip is None or Path(entry.path) != skip:
                    queue.append(Path(entry.path))
            elif entry.name.lower() == "tp1.py" and entry.is_file(follow_symlinks=False):
                yield Path(entry.path)


def locate(folder: Path) -> Located:
    """The tp1.py a hand-in is graded from (see the module docstring); raises :class:`NotASubmission`."""
    folder = Path(folder)
    _check_top_entry(folder)
    found: list[Path] = []
    try:
        for path in tp1_files(folder):
            if found and len(path.parts) > len(found[0].parts):
                break
            found.append(path)
    except _TooLarge:
        raise NotASubmission(Msg("handin.too_large", folder=str(folder), n=MAX_ENTRIES)) from None
    if not found:
        notebook = _shallowest_notebook(folder)
        if notebook is not None:  # a notebook-only hand-in (grader/handin/notebook.py)
            return Located(notebook.parent, notebook)
        raise NotASubmission(_nothing_found(folder))
    best = min(found, key=lambda p: (p.name != "tp1.py", p.parts))
    return Located(best.parent, best, tuple(p for p in found if p != best))


def _shallowest_notebook(folder: Path, limit: int = MAX_ENTRIES, skip: Path | None = None) -> Path | None:
    """The shallowest ``.ipynb`` file (first in sorted order), when the hand-in has no tp1.py at all; ``skip``
    (a folder) is not entered."""
    queue, seen = deque([Path(folder)]), 0
    while queue:
        current = queue.popleft()
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue
        seen += len(entries)
        notebooks = [e for e in entries if not skipped(e.name) and e.name.lower().endswith(".ipynb")
                     and e.is_file(follow_symlinks=False)]
        if notebooks:
            return Path(notebooks[0].path)
        if seen > limit:
            return None
        queue.extend(Path(e.path) for e in entries if not skipped(e.name) and e.is_dir(follow_symlinks=False)
                     and (skip is None or Path(e.path) != skip))
    return None


def _check_top_entry(folder: Path) -> None:
    """A ``tp1.py`` at the top of the hand-in that is not a file is what was handed in: say so."""
    top = folder / "tp1.py"
    if not os.path.lexists(top) or (top.is_file() and not top.is_symlink()):
        return
    if top.is_symlink():
        target = os.path.realpath(top)
        if os.path.isfile(target) and Path(target).is_relative_to(os.path.realpath(folder)):
            return  # a link to a file of the hand-in: that file is found where it is
        raise NotASubmission(Msg("handin.tp1_link_outside", path=str(top)))
    raise NotASubmission(Msg("handin.tp1_not_a_file", path=str(top)))


def _nothing_found(folder: Path) -> Msg:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        entries = []
    if not entries:
        return Msg("handin.empty", folder=str(folder))
    names: list[Msg | str] = [Msg("handin.link_not_followed", name=e.name) if e.is_symlink() else e.name
                              for e in entries[:MAX_LISTED]]
    if len(entries) > MAX_LISTED:
        names.append(Msg("handin.more", n=len(entries) - MAX_LISTED))
    return Msg("handin.no_tp1", folder=str(folder), found=Join(names, sep="sep.comma"))


def is_single(path: Path) -> bool:
    """Whether ``path`` is one hand-in rather than a class (see the module docstring)."""
    path = Path(path)
    if not path.is_dir():
        return False
    try:
        names = os.listdir(path)
    except OSError:
        return False
    if any(name in LAB_FILES or name.lower() == "tp1.py" or name.lower().endswith(".ipynb") for name in names):
        return True
    if any(MOODLE.fullmatch(unicodedata.normalize("NFC", name)) for name in names):
        return False
    try:
        located = locate(path)
        if located.tp1.suffix.lower() == ".ipynb":  # no tp1.py anywhere: students' notebooks side by side?
            return _shallowest_notebook(path, skip=located.root) is None
        return next(tp1_files(path, skip=located.root), None) is None
    except (NotASubmission, _TooLarge):
        return False


def holds_only(folder: Path, root: Path) -> bool:
    """Whether ``grader check folder`` would grade ``root``'s tp1.py as one hand-in: ``folder`` holds nothing
    else gradable, so nothing tells it apart from the student's own folder."""
    try:
        return is_single(folder) and locate(folder).root == root
    except NotASubmission:
        return False
