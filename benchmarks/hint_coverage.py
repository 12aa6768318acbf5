"""How many failing checks carry a specific hint (a diagnosis), on the example and fixture submissions.

Usage:  .venv/bin/python benchmarks/hint_coverage.py [--lang en] [--no-mutants] [--verbose]

Grades, with every check, each folder of ``submissions/`` and ``student_template/``, and every mutant
of the test suite (copies of ``reference/`` with one seeded mistake: ``tests/test_checks.py`` MUTANTS
and ``tests/test_diagnoses.py`` CASES / TRAINING), each with only the check its test targets. A check
"fails" when its status is failed, error or timeout; it "has a specific hint" when the grader named
the mistake (``details["diagnosis"]``). Prints one line per failing check without a diagnosis, then
the fractions. The template's failures are all "not implemented yet" and are counted apart.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

FAILING = ("failed", "error", "timeout")


def mutants() -> list[tuple[str, str, dict, dict]]:
    """(name, check id, edits, settings) of every mutant of the test suite."""
    import test_checks
    import test_diagnoses

    found = [(f"test_checks:{name}", check_id, edits, {})
             for name, (check_id, edits, _status, _words) in test_checks.MUTANTS.items()]
    for table in (test_diagnoses.CASES, test_diagnoses.TRAINING):
        for name, (check_id, _status, edits, *settings) in table.items():
            found.append((f"test_diagnoses:{name}", check_id, edits, settings[0] if settings else {}))
    return found


def tally(label: str, report, counts: dict[str, int], verbose: bool) -> None:
    for check in report.checks:
        if check.status.value not in FAILING:
            continue
        counts["failing"] += 1
        if check.details.get("diagnosis"):
            counts["hinted"] += 1
            if verbose:
                print(f"  hint     {label:<48} {check.id:<18} {check.details['diagnosis']}")
        else:
            print(f"  no hint  {label:<48} {check.id:<18} {check.status.value}: {check.message[:90]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--no-mutants", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    opts = parser.parse_args()

    from conftest import mutate

    from grader.config import GradingConfig
    from grader.runner import grade
    from grader.sandbox.launcher import WarmLauncher

    base = GradingConfig(lang=opts.lang)
    examples = {"failing": 0, "hinted": 0}
    fixtures = {"failing": 0, "hinted": 0}
    template = {"failing": 0, "hinted": 0}
    with WarmLauncher() as launcher, tempfile.TemporaryDirectory() as tmp:
        for folder in sorted(p for p in (ROOT / "submissions").iterdir() if p.is_dir()):
            tally(f"submissions/{folder.name}", grade(folder, base, launcher=launcher), examples, opts.verbose)
        tally("student_template", grade(ROOT / "student_template", base, launcher=launcher), template, opts.verbose)
        if not opts.no_mutants:
            for i, (name, check_id, edits, settings) in enumerate(mutants()):
                sub = mutate(Path(tmp) / str(i), **edits)
                if name.endswith("load_missing_file"):
                    (sub / "tp1_autograd.py").unlink()
                config = replace(base, only=(check_id,), **settings)
                tally(name, grade(sub, config, launcher=launcher), fixtures, opts.verbose)

    def line(label: str, c: dict[str, int]) -> str:
        share = c["hinted"] / c["failing"] if c["failing"] else 0.0
        return f"{label:<34} {c['hinted']:>3} / {c['failing']:<3} = {share:6.1%}"

    print(line("examples (submissions/*)", examples))
    if not opts.no_mutants:
        print(line("test mutants", fixtures))
        both = {k: examples[k] + fixtures[k] for k in examples}
        print(line("examples + mutants", both))
    print(line("student_template (not implemented)", template))


if __name__ == "__main__":
    main()
