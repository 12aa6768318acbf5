"""Removing a folder the student's process wrote into: its copy of the hand-in, and a class run's folder.

The student's code shapes that folder as it likes. Folders nested thousands deep (``mkdir``, ``chdir``,
repeat: no path is ever long) make Python 3.11's ``shutil.rmtree`` raise ``RecursionError`` (it recurses
once per level), which would cost the report of that submission and stop a class run. So the removal
falls back to ``rm -rf``, which walks any depth, and never raises: a folder that cannot be removed is left
in the temporary folder rather than losing a report.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def remove_tree(path: Path | str) -> None:
    """Remove ``path`` and everything under it, however deep; never raises."""
    try:
        shutil.rmtree(path)
        return
    except FileNotFoundError:
        return
    except (RecursionError, OSError):
        pass
    try:
        subprocess.run(["rm", "-rf", "--one-file-system", "--", str(path)], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired):
        pass
