"""Do the example submissions keep their ``train.sgd`` verdicts now that SGD gets the first 8,000 train rows?

Usage:  .venv/bin/python benchmarks/sgd_rows.py [--jobs 2]

Issue 15 halved the SGD check's workload (the student's own SGD epoch is most of a single check's time):
``descente_stochastique`` gets the first 8,000 rows of the (already shuffled) train part, epsilon 3e-3, one
epoch, instead of all 16,512 rows at epsilon 2e-3 with a 25 % margin; the MSEs are still measured on the
full train and test parts against the full-train optimum, now with a 50 % margin.
``benchmarks/train_thresholds.py`` has the guarantee over student-style loops and seeds (finding 7); this
script checks the real hand-ins: it grades ``reference/``, ``student_template/`` and every folder of
``submissions/`` twice, ``--only train.sgd``, as a class (real command line, real data), with each setting
(a ``grader.toml``), and prints, per hand-in, the status and train / test MSE of both. Exit code 1 if a
status differs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMER = "[train.sgd]\nepsilon = 0.002\nn_epochs = 1\ntrain_rows = 16512\nmargin = 0.25\n"  # until 2026-11-30
SHIPPED = "[train.sgd]\nepsilon = 0.003\nn_epochs = 1\ntrain_rows = 8000\nmargin = 0.5\n"  # the default


def grade_class(folder: Path, config: str, out: Path, jobs: list[str]) -> dict[str, dict]:
    config_file = out.parent / f"{out.name}.toml"
    config_file.write_text(config)
    subprocess.run([sys.executable, "-m", "grader", "check", str(folder), "--only", "load", "--only", "train.sgd",
                    "--config", str(config_file), "--out", str(out), *jobs], cwd=out.parent,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    found = {}
    for path in out.rglob("*.json"):
        report = json.loads(path.read_text())
        if not isinstance(report, dict) or "checks" not in report or "submission" not in report:
            continue
        check = next((c for c in report["checks"] if c["id"] == "train.sgd"), None)
        if check is not None:
            found[report["submission"]["name"]] = check
    return found


def _num(value, spec: str = ".4f") -> str:
    """A number as the report holds it (a non-finite MSE is a string there)."""
    return format(value, spec) if isinstance(value, (int, float)) else str(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--save", help="also write both runs' train.sgd results to this JSON file")
    opts = parser.parse_args()
    jobs = ["--jobs", str(opts.jobs)] if opts.jobs else []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = tmp / "class"
        folder.mkdir()
        for src in [ROOT / "reference", ROOT / "student_template", *sorted((ROOT / "submissions").iterdir())]:
            if src.is_dir():
                shutil.copytree(src, folder / src.name, ignore=shutil.ignore_patterns("__pycache__"))
        shipped = grade_class(folder, SHIPPED, tmp / "shipped", jobs)
        former = grade_class(folder, FORMER, tmp / "former", jobs)
    if opts.save:
        Path(opts.save).write_text(json.dumps({"shipped": shipped, "former": former}, indent=1))
    differ = 0
    print(f"{'hand-in':<18} {'16,512 rows, eps 2e-3':<40} {'8,000 rows, eps 3e-3':<40}")
    for name in sorted(set(shipped) | set(former)):
        cells = []
        for run in (former, shipped):
            check = run.get(name)
            mse = (check or {}).get("details", {}).get("mse")
            seconds = (check or {}).get("details", {}).get("time_s")
            cells.append(f"{check['status'] if check else '?':<8}" +
                         (f" {_num(mse['train'])} / {_num(mse['test'])}  {_num(seconds, '5.1f')} s" if mse else ""))
        same = (former.get(name) or {}).get("status") == (shipped.get(name) or {}).get("status")
        differ += not same
        print(f"{name:<18} {cells[0]:<40} {cells[1]:<40} {'' if same else 'DIFFERENT'}")
    print(f"\nthresholds train / test: 0.5417 / 0.5362 (optimum x 1.25, 16,512 rows), 0.6500 / 0.6435 "
          f"(x 1.5, 8,000 rows); {differ} status(es) differ")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
