"""Where the names the checks need are found in a hand-in that does not follow the template's layout.

- A name missing from its expected file (``descente_batch`` in ``tp1.py``, ``MSE`` in a notebook) is
  used from the first other file of the hand-in that defines it as a class or function, lab files first,
  then notebooks in sorted order; ``load`` says where it was found.
- ``tp1_descente.py`` is in *script form* when it defines no ``descente`` nor a function whose name looks
  like a misspelling of it (``descente_gradient``: the function form, misnamed, which ``load`` reports) (the
  lab's own handout: a module-level loop, or one under ``if __name__ == "__main__":``); ``descent.manual``
  then runs it.
  Without ``tp1_descente.py``, the first notebook stands for it.
- A check whose file was not handed in is skipped saying so.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from grader.checks.load import REQUIRED, found_instead
from grader.handin.safe_read import read_regular_text
from grader.i18n import Join, Msg
from grader.sandbox.session import LoadInfo

CALLABLE = ("class", "function", "autograd.Function")
_DEF_DESCENTE = re.compile(r"^\s*def\s+descente\s*\(", re.MULTILINE)


def resolve_names(load: LoadInfo, folder: Path, converted=()) -> LoadInfo:
    """``load`` with its aliases, script form and notebooks (``folder``: the student's working copy;
    ``converted``: the :class:`grader.handin.notebook.Notebook` records of its notebooks)."""
    notebooks = tuple(nb.module for nb in converted)
    aliases: dict[str, str] = {}
    others = [*REQUIRED, *(m for m in load.modules if m not in REQUIRED)]  # lab files first, then notebooks
    for module, required in REQUIRED.items():
        entry = load.modules.get(module)
        for name in required:
            if entry is not None and entry.ok and name in entry.names:
                continue
            for other in others:
                found = load.modules.get(other)
                if other != module and found is not None and found.ok and found.names.get(name) in CALLABLE:
                    aliases[f"{module}.{name}"] = other
                    break
    descente = load.modules.get("tp1_descente")
    if not (descente and descente.present) and notebooks and "tp1_descente.descente" not in aliases:
        aliases["tp1_descente.py"] = notebooks[0]
    script_file = script_of(load, aliases)
    misnamed = descente is not None and descente.ok and bool(found_instead("descente", dict(descente.names)))
    script_form = bool(script_file) and "tp1_descente.descente" not in aliases and not misnamed and not (
        descente is not None and descente.ok and "descente" in descente.names) and not _defines_descente(
        folder / script_file)
    return dataclasses.replace(load, aliases=aliases, script_form=script_form,
                               notebooks=tuple((nb.module, nb.file) for nb in converted))


def script_of(load: LoadInfo, aliases=None) -> str | None:
    """The file ``descent.manual`` runs as a script: tp1_descente.py, or the notebook module standing for it."""
    aliases = load.aliases if aliases is None else aliases
    entry = load.modules.get("tp1_descente")
    if entry is not None and entry.present:
        return "tp1_descente.py"
    other = aliases.get("tp1_descente.py")
    return f"{other}.py" if other else None


def _defines_descente(path: Path) -> bool:
    """Read from the working copy after the student's code ran in it: whatever it left there (a FIFO, a link
    to /dev/zero) is read safely, as a file that defines nothing."""
    text = read_regular_text(path)
    return text is not None and bool(_DEF_DESCENTE.search(text))


def skip_message(missing: list[str], load: LoadInfo) -> Msg:
    """Why a check is skipped: the files not handed in, else the names ``load`` did not find."""
    files = [n.split(".")[0] + ".py" for n in missing if not load.modules.get(n.split(".")[0])
             or not load.modules[n.split(".")[0]].present]
    if files:
        return Msg("script.not_handed_in", files=Join(list(dict.fromkeys(files)), sep="sep.comma"))
    names = Join([Msg("skipped.name_in", name=n.split(".")[1], file=n.split(".")[0] + ".py") for n in missing],
                 sep="sep.comma")
    return Msg("skipped.needs", names=names)
