"""The code of a hand-in and of the handout, as ``(file name, source text)`` pairs.

Read as text only (never imported, never run), in the grader's process: every ``.py`` file under the
folder and the code cells of every ``.ipynb`` notebook (one entry per cell, ``name.ipynb[3]``), links
not followed, at most ``MAX_FILES`` files of at most ``MAX_BYTES`` each and ``MAX_TOTAL`` together (a
hostile hand-in cannot make the class's comparison slow), the folders of tools and
environments skipped. A notebook is read with ``json`` (a notebook reader of the grader can replace
:func:`notebook_cells` when there is one).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from grader.handin.safe_read import read_regular

MAX_FILES, MAX_BYTES, MAX_TOTAL = 60, 200_000, 1_000_000  # a real TP1 hand-in holds < 50 KB of code
MAX_CELLS = 500
MAX_NOTEBOOK_BYTES = 20_000_000  # a notebook keeps its plots: only its code cells count towards MAX_TOTAL
SKIP_DIRS = {"__pycache__", ".git", ".hg", ".svn", ".venv", "venv", "env", ".ipynb_checkpoints", "node_modules",
             "__MACOSX", "site-packages", ".tox", ".mypy_cache", ".pytest_cache"}


def read_sources(folder: Path) -> list[tuple[str, str]]:
    """The code of ``folder`` (a file is also accepted), in a stable order."""
    folder = Path(folder)
    if folder.is_file() and not folder.is_symlink():
        return _read(folder, folder.name)
    found: list[tuple[str, str]] = []
    files = total = 0
    for here, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(names):
            path = Path(here) / name
            if not name.endswith((".py", ".ipynb")) or path.is_symlink() or not path.is_file():
                continue
            files += 1
            if files > MAX_FILES:
                return found
            for name, text in _read(path, path.relative_to(folder).as_posix()):
                total += len(text)
                if total > MAX_TOTAL:
                    return found
                found.append((name, text))
    return found


def _read(path: Path, name: str) -> list[tuple[str, str]]:
    raw = read_regular(path, MAX_NOTEBOOK_BYTES if name.endswith(".ipynb") else MAX_BYTES)
    if raw is None:  # not a regular file (any more), or too large
        return []
    text = raw.decode("utf-8", errors="replace")
    if name.endswith(".ipynb"):
        return notebook_cells(text, name)
    if name.endswith(".py"):
        return [(name, text)]
    return []


def notebook_cells(text: str, name: str) -> list[tuple[str, str]]:
    """The code cells of a notebook's JSON text, ``(name[i], source)``; nothing when it is not a notebook."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return []
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        return []
    found = []
    for i, cell in enumerate(cells[:MAX_CELLS]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if isinstance(source, str) and source.strip():
            lines = [("# " + line if line.lstrip().startswith(("%", "!")) else line) for line in source.split("\n")]
            found.append((f"{name}[{i}]", "\n".join(lines)))
    return found


def find_handout(explicit: str | None, config_file: str | None, start: Path | None = None) -> Path | None:
    """The handout: ``[integrity] handout`` when set; else ``student_template/`` beside the configuration
    file, in the current folder, or beside the class folder graded (``start``)."""
    if explicit:
        return Path(explicit)
    candidates = []
    if config_file:
        candidates.append(Path(config_file).parent / "student_template")
    candidates.append(Path.cwd() / "student_template")
    if start is not None:
        candidates.append(Path(start).resolve().parent / "student_template")
    return next((c for c in candidates if c.is_dir()), None)
