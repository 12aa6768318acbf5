"""Notebooks (``.ipynb``) graded like ``.py`` files.

A notebook of the hand-in becomes a Python module in the student's working copy (never in the hand-in):
``TME1.ipynb`` → ``nb_TME1.py``, holding its code cells in order. The student process imports it like
the lab's files (bounded by the same time limit), and the grader looks names up in it when the expected
``.py`` file does not define them (:mod:`grader.checks.names`).

- Reading: the notebook is JSON (nbformat 4, and nbformat 3's ``worksheets``), read with the standard
  library: the grader needs the code cells' sources and nothing else of nbformat (which would bring
  jsonschema, jupyter_core and traitlets to the grader's environment), and never trusts the file.
  Markdown and raw cells, outputs and metadata are ignored.
- IPython syntax is neutralised, never executed, and listed as a warning: line magics (``%matplotlib
  inline``, ``%timeit f()``, ``x = %time f()``), shell lines (``!pip install``, ``files = !ls``), help
  (``x?``, ``??x``), ``get_ipython()`` calls, and cell magics (``%%bash``, ``%%writefile``: the whole cell;
  ``%%time``, ``%%timeit``, ``%%capture`` run their Python body). Each becomes ``pass`` on its line, so line
  numbers stay those of the cell.
- Each cell runs with its own file name, ``<folder>/TME1.ipynb:cell 3``, so an error names the notebook
  and the cell. On import, a cell that raises is recorded and the next cells still run (a notebook's
  data-loading cell failing offline must not hide the functions defined below it); run as a script
  (``descent.manual``), the first error stops the run, as Jupyter's "Run all" does.
- ``display(...)`` is defined (it does nothing) unless the notebook imports its own; cells run with
  ``__name__ == "__main__"``, as in Jupyter.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from grader.handin.safe_read import read_regular
from grader.i18n import Msg

MAX_NOTEBOOKS = 5
MAX_BYTES = 16 * 1024 * 1024
BODY_MAGICS = {"time", "timeit", "capture", "prun"}
# x = !ls, t = %time f(): never Python. The first character is not a space, so that no two repetitions can
# share a character: a long line without "=" costs one pass (a line of spaces used to cost time in its square).
_ASSIGNED = re.compile(r"\s*[\w.,\[\]()][\w.,\s\[\]()]*=\s*[%!]")
_HELP = re.compile(r"^\s*(?:[\w.]+\?{1,2}|\?{1,2}[\w.]+)\s*$")


def is_ipython(line: str) -> bool:
    """A line IPython would take for itself; never valid Python (``?`` ends no Python line)."""
    stripped = line.strip()
    return (stripped.startswith(("%", "!", "?")) or bool(_ASSIGNED.match(line)) or bool(_HELP.match(line))
            or (stripped.endswith("?") and "#" not in stripped) or "get_ipython()" in line)


@dataclass(frozen=True)
class Notebook:
    file: str  # its name in the hand-in's folder
    module: str  # the module it becomes
    cells: int
    neutralised: tuple[str, ...]  # "cell 2: %matplotlib inline"


def module_name(stem: str, taken: set[str]) -> str:
    base = "nb_" + (re.sub(r"\W", "_", stem, flags=re.ASCII) or "notebook")
    name, i = base, 2
    while name in taken:
        name, i = f"{base}_{i}", i + 1
    return name


def code_cells(data: object) -> list[str]:
    """The sources of the code cells, in order (nbformat 4 ``cells`` or nbformat 3 ``worksheets``)."""
    if not isinstance(data, dict):
        raise ValueError("not a notebook (no JSON object)")
    cells = data.get("cells")
    if cells is None and isinstance(data.get("worksheets"), list):
        cells = [c for ws in data["worksheets"] if isinstance(ws, dict) for c in ws.get("cells") or []]
    if not isinstance(cells, list):
        raise ValueError("not a notebook (no cells)")
    out = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        out.append(source if isinstance(source, str) else "")
    return out


def neutralise(source: str) -> tuple[str, list[str]]:
    """The cell's Python, IPython syntax replaced by ``pass`` on its line; the lines replaced."""
    lines = source.split("\n")
    first = lines[0].strip() if lines else ""
    if first.startswith("%%"):
        magic = first[2:].split()[0] if first[2:].split() else ""
        if magic not in BODY_MAGICS:
            return "\n".join("pass" if i == 0 else "" for i in range(len(lines))), [first]
        lines[0] = "pass"
        removed = [first]
    else:
        removed = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if i == 0 and removed:
            continue
        if is_ipython(line):
            indent = line[: len(line) - len(line.lstrip())]
            lines[i] = indent + "pass"
            removed.append(stripped)
    return "\n".join(lines), removed


def convert(path: Path, module: str) -> tuple[str, Notebook]:
    """The module's source and what was done; ``ValueError`` when the file is not a notebook."""
    raw = read_regular(path, MAX_BYTES)
    if raw is None:
        raise ValueError("not a regular file of at most 16 MB")
    try:
        data = json.loads(raw.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg}, line {exc.lineno})") from None
    cells, neutralised = [], []
    for number, source in enumerate(code_cells(data), start=1):
        python, removed = neutralise(source)
        cells.append(python)
        neutralised += [f"cell {number}: {line[:80]}" for line in removed]
    body = (f"# Generated by the grader from {path.name}: its code cells, IPython syntax neutralised.\n"
            f"_GRADER_NOTEBOOK = {path.name!r}\n_GRADER_CELLS = {json.dumps(cells, ensure_ascii=False)}\n{RUNNER}")
    return body, Notebook(path.name, module, len(cells), tuple(neutralised))


RUNNER = '''
def _grader_run_cells():
    import os as _os
    folder = _os.path.dirname(_os.path.abspath(__file__))
    script = __name__ == "__main__"
    scope = globals()
    errors = []
    for number, source in enumerate(_GRADER_CELLS, start=1):
        name = _os.path.join(folder, f"{_GRADER_NOTEBOOK}:cell {number}")
        if "_grader_cell" in scope:  # run as a script by descent.manual: its recorder follows the cells
            scope["_grader_cell"](number)
        own, scope["__name__"] = scope["__name__"], "__main__"  # as in Jupyter
        try:
            code = compile(source, name, "exec")
            exec(code, scope)
        except Exception as exc:
            if script:
                raise
            errors.append(f"cell {number}: {type(exc).__name__}: {str(exc)[:200]}")
        finally:
            scope["__name__"] = own
    return errors


def _grader_errors():
    return list(_GRADER_CELL_ERRORS)


if "display" not in globals():
    def display(*objects, **kwargs):
        return None
_GRADER_CELL_ERRORS = _grader_run_cells()
'''


def convert_all(dst: Path, taken: set[str]) -> tuple[list[Notebook], list[Msg]]:
    """Every notebook at the top of the copy ``dst`` becomes a module there; what was converted, and the
    notes for the report (magics neutralised, notebooks that could not be read)."""
    notebooks, notes = [], []
    for path in sorted(dst.glob("*.ipynb"))[:MAX_NOTEBOOKS]:
        if not path.is_file() or path.is_symlink():
            continue
        module = module_name(path.stem, taken)
        try:
            source, notebook = convert(path, module)
        except (OSError, ValueError, RecursionError) as exc:  # (JSON nested too deep: RecursionError)
            notes.append(Msg("script.nb_unreadable", file=path.name, problem=str(exc)))
            continue
        (dst / f"{module}.py").write_text(source, encoding="utf-8", errors="replace")  # (lone surrogates)
        taken.add(module)
        notebooks.append(notebook)
        if notebook.neutralised:
            notes.append(Msg("script.nb_magics", file=path.name, n=len(notebook.neutralised),
                             lines="; ".join(notebook.neutralised[:8])))
    return notebooks, notes
