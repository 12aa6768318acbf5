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
    info = ctx.load
    details: dict[str, Any] = {"modules": {}, "warnings": list(info.warnings)}
    problems: list[Msg] = []
    hints: list[Msg] = []
    for module, required in REQUIRED.items():
        entry = info.modules[module]
        record: dict[str, Any] = {"present": entry.present, "imported": entry.ok,
                                  "duration_s": round(entry.duration_s, 3)}
        details["modules"][module] = record
        if not entry.present:
            problems.append(Msg("load.missing_file", module=module))
            details.setdefault("diagnosis", "load.missing_file")
            hints.append(hint("load.missing_file", module=module))
            continue
        if isinstance(entry.failure, StudentFailure):
            raise_failure(module, entry.failure, ctx)
        first = info.modules["tp1"].error if "tp1" in info.modules else None
        _module_problems(module, required, entry, record, problems, hints, details, first)
    if problems:
        return Outcome(False, Join(problems), details, hints)
    return Outcome(True, Msg("load.passed"), details)


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
