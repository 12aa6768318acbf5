"""Do the example submissions keep their training verdicts with the smaller SGD and mini-batch workloads?

Usage:  .venv/bin/python benchmarks/training_workloads.py [--jobs 2] [--save runs.json]

Issue 15 shrank the students' own training loops, most of a hand-in's grading time, twice:

- ``train.sgd`` (``descente_stochastique``, one epoch): all 16,512 train rows at epsilon 2e-3 with a 25 %
  margin until 2026-11-30; then the first 8,000 rows of the (already shuffled) train part at epsilon 3e-3
  with a 50 % margin; now (the default) the first 4,000 rows at epsilon 5e-3 with an 80 % margin.
- ``train.minibatch`` (``descente_minibatch``, batches of 32): 4 epochs at epsilon 0.02 with a 10 % margin,
  now (the default) 2 epochs at epsilon 0.03 with a 12 % margin.

The MSEs are always measured on the full train and test parts against the full-train optimum.
``benchmarks/train_thresholds.py`` has the guarantee over student-style loops and seeds (findings 7 and 8 of
``docs/training-study.md``);
this script checks the real hand-ins: it grades ``reference/``, ``student_template/`` and every folder of
``submissions/``, ``--only train.sgd --only train.minibatch``, as a class (real command line, real data),
once with each setting (a ``grader.toml``), and prints, per hand-in and check, the status and train / test
MSE of each. Exit code 1 if a status differs between the settings.
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
CHECKS = ("train.sgd", "train.minibatch")
MINIBATCH_4 = "[train.minibatch]\nepsilon = 0.02\nn_epochs = 4\nbatch_size = 32\nmargin = 0.10\n"
MINIBATCH_2 = "[train.minibatch]\nepsilon = 0.03\nn_epochs = 2\nbatch_size = 32\nmargin = 0.12\n"
# (label, grader.toml): the former settings first, the default last
SETTINGS = [
    ("sgd 16,512 rows / mb 4 epochs",
     "[train.sgd]\nepsilon = 0.002\nn_epochs = 1\ntrain_rows = 16512\nmargin = 0.25\n" + MINIBATCH_4),
    ("sgd 8,000 rows / mb 4 epochs",
     "[train.sgd]\nepsilon = 0.003\nn_epochs = 1\ntrain_rows = 8000\nmargin = 0.5\n" + MINIBATCH_4),
    ("sgd 4,000 rows / mb 2 epochs (default)",
     "[train.sgd]\nepsilon = 0.005\nn_epochs = 1\ntrain_rows = 4000\nmargin = 0.8\n" + MINIBATCH_2),
]
THRESHOLDS = ("train.sgd: 0.5417 / 0.5362 (x 1.25, 16,512 rows), 0.6500 / 0.6435 (x 1.5, 8,000 rows), "
              "0.7800 / 0.7722 (x 1.8, 4,000 rows);\n  train.minibatch: 0.4767 / 0.4719 (x 1.10, 4 epochs), "
              "0.4853 / 0.4804 (x 1.12, 2 epochs)")


def grade_class(folder: Path, config: str, out: Path, jobs: list[str]) -> dict[tuple[str, str], dict]:
    """{(hand-in, check id): the check's result} for one class run with ``config`` as its grader.toml."""
    config_file = out.parent / f"{out.name}.toml"
    config_file.write_text(config)
    only = [arg for check in CHECKS for arg in ("--only", check)]
    subprocess.run([sys.executable, "-m", "grader", "check", str(folder), "--only", "load", *only,
                    "--config", str(config_file), "--out", str(out), *jobs], cwd=out.parent,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    found = {}
    for path in out.rglob("*.json"):
        report = json.loads(path.read_text())
        if not isinstance(report, dict) or "checks" not in report or "submission" not in report:
            continue
        for check in report["checks"]:
            if check["id"] in CHECKS:
                found[(report["submission"]["name"], check["id"])] = check
    return found


def _num(value, spec: str = ".4f") -> str:
    """A number as the report holds it (a non-finite MSE is a string there)."""
    if isinstance(value, (int, float)):
        return format(value, ".3g" if abs(value) >= 1e4 else spec)
    return str(value)


def _cell(check: dict | None) -> str:
    if check is None:
        return "?"
    mse = check.get("details", {}).get("mse")
    seconds = check.get("details", {}).get("time_s")
    return f"{check['status']:<8}" + (f" {_num(mse['train'])} / {_num(mse['test'])}  {_num(seconds, '5.1f')} s"
                                      if mse else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--save", help="also write every run's results to this JSON file")
    opts = parser.parse_args()
    jobs = ["--jobs", str(opts.jobs)] if opts.jobs else []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = tmp / "class"
        folder.mkdir()
        for src in [ROOT / "reference", ROOT / "student_template", *sorted((ROOT / "submissions").iterdir())]:
            if src.is_dir():
                shutil.copytree(src, folder / src.name, ignore=shutil.ignore_patterns("__pycache__"))
        runs = [grade_class(folder, config, tmp / f"run{i}", jobs) for i, (_, config) in enumerate(SETTINGS)]
    if opts.save:
        Path(opts.save).write_text(json.dumps(
            {label: {f"{name} {check}": result for (name, check), result in run.items()}
             for (label, _), run in zip(SETTINGS, runs)}, indent=1))
    differ = 0
    print(f"{'hand-in':<18} {'check':<16} " + " ".join(f"{label:<40}" for label, _ in SETTINGS))
    for key in sorted(set().union(*runs)):
        same = len({(run.get(key) or {}).get("status") for run in runs}) == 1
        differ += not same
        print(f"{key[0]:<18} {key[1]:<16} " + " ".join(f"{_cell(run.get(key)):<40}" for run in runs)
              + ("" if same else " DIFFERENT"))
    print(f"\nthresholds train / test: {THRESHOLDS}\n{differ} result(s) whose status differs between the settings")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
