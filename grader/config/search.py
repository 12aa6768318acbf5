"""Which configuration file applies to a run: only one from the teacher's side of the tree.

A hand-in never configures its own grading: a student could write a ``grader.toml`` giving ``load`` all the
points, or a ``[data] path`` to a file of theirs. So, without ``--config``:

- **One hand-in** (``grader check alice``): the search starts in the folder *above* the hand-in and walks up.
  A configuration file in the hand-in (from the folder holding tp1.py up to the folder named) is never used,
  and the report says so. Nor is one in a folder above that holds nothing but this hand-in (``grader check
  repo/tp1`` where ``repo/`` holds nothing else gradable: ``grader check repo`` would grade the same tp1.py,
  so nothing tells ``repo/`` apart from the student's own folder).
- **A class** (a class folder, a ``.zip``): the search starts at the class folder (for a zip, the folder
  holding it) and walks up; a file in a student's folder is never used (each report says so).
- The walk takes the first ``grader.toml``, or ``pyproject.toml`` with a ``[tool.grader]`` table (in one
  folder, ``grader.toml`` first), and stops after the first version-control root (``.git``, ``.hg``,
  ``.svn``) or at the filesystem root. When the hand-in itself is such a root (a student's repository, as in
  GitHub Classroom), nothing above it is searched: the folder it was cloned into is not known to be the
  course's. Pass ``--config FILE`` there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.config.file import CONFIG_NAME, PYPROJECT, VCS_MARKERS, has_tool_grader
from grader.handin import NotASubmission, holds_only, is_single, locate


@dataclass(frozen=True)
class Search:
    file: Path | None  # the file to use, or None: the defaults
    ignored: tuple[Path, ...] = ()  # configuration files found in the hand-in, never used


def config_files(folder: Path, follow_links: bool = True) -> list[Path]:
    """The configuration files of one folder, ``grader.toml`` first.

    ``follow_links=False`` (a hand-in's folders): a link is never followed, so a ``grader.toml`` that is a link
    is named (never used) without being read, and a ``pyproject.toml`` that is one is not read at all."""
    config, pyproject = folder / CONFIG_NAME, folder / PYPROJECT
    found = [config] if (config.is_file() or (not follow_links and config.is_symlink())) else []
    if pyproject.is_file() and has_tool_grader(pyproject, follow_links):
        found.append(pyproject)
    return found


def is_vcs_root(folder: Path) -> bool:
    return any((folder / marker).exists() for marker in VCS_MARKERS)


def in_handin(root: Path, top: Path) -> list[Path]:
    """Configuration files in the folders from ``root`` (holding tp1.py) up to ``top`` (the hand-in), both included."""
    root, top = Path(root).resolve(), Path(top).resolve()
    folders = [root] + [p for p in root.parents if p.is_relative_to(top)] if root.is_relative_to(top) else [top]
    return [file for folder in folders for file in config_files(folder, follow_links=False)]


def search(target: Path) -> Search:
    """The configuration file for grading ``target`` (one hand-in, a class folder or a ``.zip``)."""
    folder = Path(target).resolve()
    if not folder.is_dir():
        return _walk(folder.parent, None, ())
    if not is_single(folder):
        return _walk(folder, None, ())
    try:
        root = locate(folder).root
    except NotASubmission:  # a tp1.py that is not a file: the hand-in is still the folder named
        root = folder
    ignored = tuple(in_handin(root, folder))
    if is_vcs_root(folder):
        return Search(None, ignored)
    return _walk(folder.parent, root, ignored)


def _walk(start: Path, root: Path | None, ignored: tuple[Path, ...]) -> Search:
    """Walk up from ``start``. While ``root`` is given, a folder holding nothing but that hand-in is the student's."""
    for folder in (start, *start.parents):
        files, vcs = config_files(folder), is_vcs_root(folder)
        if not files and not vcs:
            continue
        if root is not None and holds_only(folder, root):
            ignored += tuple(files)
            if vcs:
                break
            continue
        root = None  # the teacher's side from here up
        if files:
            return Search(files[0], ignored)
        if vcs:
            break
    return Search(None, ignored)
