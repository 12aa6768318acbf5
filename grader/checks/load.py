"""``load``: the submission's files import in the student process and define the required names."""

from __future__ import annotations

import difflib
from typing import Any

from grader import failures
from grader.checks.base import CheckContext, Outcome, check
from grader.checks.diagnose import hint
from grader.i18n import Join, Msg
from grader.sandbox.errors import Doing, StudentCrash, StudentFailure, StudentProtocolError, StudentTimeout

REQUIRED: dict[str, tuple[str, ...]] = {
    "tp1": ("Context", "MSE", "Linear", "mse", "linear"),
    "tp1_descente": ("descente",),
    "tp1_autograd": ("descente_batch", "descente_stochastique", "descente_minibatch"),
}


def found_instead(name: str, names: dict[str, str]) -> list[str]:
    """Top-level names that look like a misspelling of ``name`` (case, typos, affixes), with their kind."""
    callables = {n: k for n, k in names.items() if k in ("class", "function", "autograd.Function")}
    low = name.lower()
    close = [n for n in callables if n.lower() == low]
    close += [n for n in callables if n not in close and (low in n.lower() or n.lower() in low) and len(n) > 2]
    close += [n for n in difflib.get_close_matches(name, list(callables), n=3, cutoff=0.7) if n not in close]
    return [f"{n} ({callables[n]})" for n in close[:3]]


def _same_error(error, first) -> bool:
    """``error`` is the one tp1.py raised (``first``), seen again by a file that imports tp1.py."""
    return bool(first) and (error.get("type"), error.get("message")) == (first.get("type"), first.get("message"))


def _syntax_line(error) -> Msg | str:
    """The offending line of a SyntaxError (the child adds it as the last traceback line: ``tp1.py:39: code``)."""
    lines = error.get("traceback") or []
    if error.get("type") not in ("SyntaxError", "IndentationError", "TabError") or not lines:
        return ""
    code = str(lines[-1]).split(": ", 1)[-1].strip()
    return Msg("ux.load.syntax_line", code=code) if code else ""


def _module_problems(module: str, required: tuple[str, ...], entry, record: dict[str, Any],
                     problems: list[Msg], hints: list[Msg], details: dict[str, Any], first=None) -> None:
    if not entry.ok and (entry.error is None or (module != "tp1" and _same_error(entry.error, first))):
        problems.append(Msg("load.not_imported", module=module))  # said once, for tp1.py
        if entry.error is not None:
            record["error"] = dict(entry.error)
        return
    if not entry.ok:
        error = entry.error or {}
        where = Msg("load.at", where=failures.where(error["where"])) if error.get("where") else _syntax_line(error)
        problems.append(Msg("load.import_raised", module=module, type=error.get("type", "Error"),
                            message=error.get("message", ""), where=where))
        record["error"] = dict(error)
        if error.get("type") in ("ModuleNotFoundError", "ImportError"):
            details.setdefault("diagnosis", "load.missing_module")
            hints.append(hint("load.missing_module"))
        return
    missing = [n for n in required if n not in entry.names]
    record["missing"] = missing
    for name in missing:
        instead = found_instead(name, dict(entry.names))
        problems.append(Msg("load.no_name_instead", module=module, name=name, instead=", ".join(instead))
                        if instead else Msg("load.no_name", module=module, name=name))
        if instead:
            details.setdefault("diagnosis", "load.misnamed")
            hints.append(hint("load.misnamed", found=instead[0].split(" ")[0], name=name, module=module))


@check("load")
def load(ctx: CheckContext) -> Outcome:
    """Each file judged on its own: tp1.py must import and define its names (or another file of the hand-in
    must); a file not handed in, a name found elsewhere, a script-style tp1_descente.py are noted, not failed."""
    info = ctx.load
    details: dict[str, Any] = {"modules": {}, "warnings": list(info.warnings)}
    problems: list[Msg] = []
    hints: list[Msg] = []
    notes: list[Msg] = []
    for module, required in REQUIRED.items():
        entry = info.modules[module]
        record: dict[str, Any] = {"present": entry.present, "imported": entry.ok,
                                  "duration_s": round(entry.duration_s, 3)}
        details["modules"][module] = record
        elsewhere = {n: info.aliases[f"{module}.{n}"] for n in required if f"{module}.{n}" in info.aliases}
        if elsewhere:
            record["found_in"] = elsewhere
            for other in dict.fromkeys(elsewhere.values()):
                names = ", ".join(f"`{n}`" for n, o in elsewhere.items() if o == other)
                notes.append(Msg("script.found_in", names=names, module=module, other=_file(ctx, other)))
        if not entry.present:
            _not_handed_in(module, required, elsewhere, record, problems, hints, notes, details)
            continue
        if module == "tp1_descente" and info.script_form:
            _script_file(entry, record, notes)
            continue
        if isinstance(entry.failure, StudentFailure):
            raise_failure(module, entry.failure, ctx)
        first = info.modules["tp1"].error if "tp1" in info.modules else None
        _module_problems(module, tuple(n for n in required if n not in elsewhere), entry, record, problems, hints,
                         details, first)
    notes += _notebooks(ctx, details)
    if problems:
        return Outcome(False, Join(problems + notes), details, hints)
    if not notes:
        return Outcome(True, Msg("load.passed"), details)
    key = "script.load_passed" if info.modules["tp1"].present else "script.load_passed_elsewhere"
    return Outcome(True, Msg(key, notes=Join(notes)), details)


def _file(ctx: CheckContext, module: str) -> str:
    """``nb_TME1`` -> ``TME1.ipynb``; a lab module -> its ``.py``."""
    for notebook in ctx.load.notebooks:
        if notebook[0] == module:
            return notebook[1]
    return f"{module}.py"


def _not_handed_in(module, required, elsewhere, record, problems, hints, notes, details) -> None:
    record["handed_in"] = False
    if module == "tp1" and len(elsewhere) < len(required):
        problems.append(Msg("load.missing_file", module=module))
        details.setdefault("diagnosis", "load.missing_file")
        hints.append(hint("load.missing_file", module=module))
        return
    details.setdefault("not_handed_in", []).append(f"{module}.py")
    if len(elsewhere) < len(required):
        notes.append(Msg("script.load_not_handed_in", module=module))


def _script_file(entry, record: dict[str, Any], notes: list[Msg]) -> None:
    """The lab's script-style tp1_descente.py: nothing to define; descent.manual runs it and judges it."""
    record["form"] = "script"
    if entry.ok:
        notes.append(Msg("script.load_script", module="tp1_descente"))
        return
    error = dict(entry.error or {})
    record["error"] = error or {"failure": str(entry.failure)}
    notes.append(Msg("script.load_script_raised", module="tp1_descente",
                     type=error.get("type", type(entry.failure).__name__ if entry.failure else "Error")))


def _notebooks(ctx: CheckContext, details: dict[str, Any]) -> list[Msg]:
    """The notebooks graded, and the cells that raised while importing them."""
    notes = []
    for module, file in ctx.load.notebooks:
        entry = ctx.load.modules.get(module)
        record = details.setdefault("notebooks", {}).setdefault(file, {"module": module,
                                                                         "imported": bool(entry and entry.ok)})
        errors: list[str] = []
        if entry is not None and entry.ok:
            try:
                value = ctx.student.call(f"{module}._grader_errors")
                errors = [str(e)[:300] for e in value[:20]] if isinstance(value, list) else []
            except StudentFailure:
                errors = []
        elif entry is not None and entry.error:
            errors = [f"{entry.error.get('type')}: {entry.error.get('message')} ({entry.error.get('where')})"]
        record["cell_errors"] = errors
        notes.append(Msg("script.nb_graded", file=file, errors=Join([Msg("script.nb_cell_error", text=e)
                                                                          for e in errors], sep="sep.comma"))
                     if errors else Msg("script.nb_graded_ok", file=file))
    return notes


def raise_failure(module: str, failure: StudentFailure, ctx: CheckContext) -> None:
    """An import that hung or killed the process: re-raise, saying which file (the runner words it)."""
    if isinstance(failure, StudentTimeout):
        raise StudentTimeout(ctx.config.load_timeout_s, Doing("importing", f"{module}.py"))
    if isinstance(failure, StudentProtocolError):  # the reason is the grader's own English text
        raise StudentProtocolError(f"{failure.reason} while importing {module}.py", failure.returncode,
                                   failure.output_tail)
    if isinstance(failure, StudentCrash):
        raise StudentCrash(failure.reason, failure.returncode, failure.output_tail, Doing("importing", f"{module}.py"))
    raise failure
