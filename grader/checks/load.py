"""``load``: the submission's files import in the student process and define the required names."""

from __future__ import annotations

import difflib
from typing import Any

from grader.checks.base import CheckContext, Outcome, check
from grader.sandbox.errors import StudentCrash, StudentFailure, StudentTimeout

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


@check("load", "Import the submission")
def load(ctx: CheckContext) -> Outcome:
    info = ctx.load
    details: dict[str, Any] = {"modules": {}, "warnings": list(info.warnings)}
    problems: list[str] = []
    hints: list[str] = []
    for module, required in REQUIRED.items():
        entry = info.modules[module]
        record: dict[str, Any] = {"present": entry.present, "imported": entry.ok,
                                  "duration_s": round(entry.duration_s, 3)}
        details["modules"][module] = record
        if not entry.present:
            problems.append(f"{module}.py is missing")
            continue
        if isinstance(entry.failure, StudentFailure):
            raise_failure(module, entry.failure, ctx)
        if not entry.ok and entry.error is None:
            problems.append(f"{module}.py was not imported (tp1.py failed first)")
            continue
        if not entry.ok:
            error = entry.error or {}
            text = f"{error.get('type', 'Error')}: {error.get('message', '')}".strip(": ")
            where = f" (at {error['where']})" if error.get("where") else ""
            problems.append(f"importing {module}.py raised {text}{where}")
            record["error"] = dict(error)
            if error.get("type") in ("ModuleNotFoundError", "ImportError"):
                hints.append("a module your file imports is not available to the grader: import it only where "
                             "you use it, or under if __name__ == '__main__':")
            continue
        missing = [n for n in required if n not in entry.names]
        record["missing"] = missing
        for name in missing:
            instead = found_instead(name, dict(entry.names))
            problems.append(f"{module}.py defines no `{name}`" +
                            (f"; found instead: {', '.join(instead)}" if instead else ""))
            if instead:
                hints.append(f"rename {instead[0].split(' ')[0]} to {name} in {module}.py: the grader and "
                             "the lab's scripts use that exact name")
    if problems:
        return Outcome(False, "; ".join(problems), details, hints)
    return Outcome(True, "the three files import and define every required name",
                   details)


def raise_failure(module: str, failure: StudentFailure, ctx: CheckContext) -> None:
    """An import that hung or killed the process: re-raise with a message that says which file."""
    if isinstance(failure, StudentTimeout):
        raise StudentTimeout(ctx.config.load_timeout_s, f"importing {module}.py (code that trains or plots at "
                             "import time? put it under if __name__ == '__main__':)")
    if isinstance(failure, StudentCrash):
        raise StudentCrash(f"{failure.reason} while importing {module}.py (an exit or a crash at import time)",
                           failure.returncode, failure.output_tail)
    raise failure
