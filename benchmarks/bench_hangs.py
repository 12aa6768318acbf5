"""One hang, one limit (issue 15): how long hanging hand-ins take to grade, as medians of fresh processes.

Usage:  .venv/bin/python benchmarks/bench_hangs.py [--runs 3]

Grades, through the real command line with the default limits (``grader check HAND-IN --teacher``), two
copies of ``reference/`` whose functions never return -- the two hand-ins of ``tests/test_hangs.py``:

- ``backward``: ``MSE.backward`` loops forever (``while True: pass``). It took 549 s before issue 15:
  every later check that calls it waited for its own limit again. Goal: <= 90 s.
- ``every``: ``MSE.forward`` and ``Linear.forward`` ignore SIGTERM and sleep, both backwards loop forever.
  About 620 s before. Goal: <= 150 s.

Prints each run's wall time, the median, the checks' statuses and which ones reached their limit, next to
``python -c "import torch"`` (medians of 3, before and after): the goals were set when torch took 1.41 s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_class import torch_import  # (this folder is on sys.path when the script runs)

ROOT = Path(__file__).resolve().parents[1]
LOOP = "\n        while True:\n            pass\n"
SLEEP = ("\n        import signal, time\n        signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
         "        time.sleep(100_000)\n")
BACKWARD_MSE = "        yhat, y = ctx.saved_tensors\n        q = yhat.shape[0]\n        grad_yhat"
FORWARD_MSE = "        ctx.save_for_backward(yhat, y)\n        q = yhat.shape[0]\n"
FORWARD_LINEAR = "        return X @ W + b\n"
BACKWARD_LINEAR = "        X, W, b = ctx.saved_tensors\n"
HAND_INS = {
    "backward": ([(BACKWARD_MSE, LOOP + BACKWARD_MSE)], 90),
    "every": ([(FORWARD_MSE, SLEEP + FORWARD_MSE), (BACKWARD_MSE, LOOP + BACKWARD_MSE),
               (FORWARD_LINEAR, SLEEP + FORWARD_LINEAR), (BACKWARD_LINEAR, LOOP + BACKWARD_LINEAR)], 150),
}


def hand_in(folder: Path, edits: list[tuple[str, str]]) -> Path:
    shutil.copytree(ROOT / "reference", folder, ignore=shutil.ignore_patterns("__pycache__"))
    path = folder / "tp1.py"
    text = path.read_text()
    for old, new in edits:
        if old not in text:
            sys.exit(f"{old!r} is no longer in reference/tp1.py: update {__file__}")
        text = text.replace(old, new)
    path.write_text(text)
    return folder


def grade(folder: Path, report: Path) -> tuple[float, dict[str, str]]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "grader", "check", str(folder), "--teacher", "--json", str(report)],
                          cwd=folder.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    if proc.returncode != 1:
        sys.exit(f"grader check {folder.name} exited with {proc.returncode} (1 expected: checks fail)")
    return seconds, {c["id"]: c["status"] for c in json.loads(report.read_text())["checks"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    opts = parser.parse_args()
    before = torch_import()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, (edits, goal) in HAND_INS.items():
            folder = hand_in(tmp / name, edits)
            runs = [grade(folder, tmp / f"{name}.json") for _ in range(opts.runs)]
            times = [seconds for seconds, _ in runs]
            statuses = runs[-1][1]
            print(f"{name:<9} median {statistics.median(times):6.1f} s  (runs: "
                  f"{', '.join(f'{t:.1f}' for t in times)}; goal <= {goal} s)")
            print(f"          timeout: {', '.join(k for k, s in statuses.items() if s == 'timeout')}; skipped: "
                  f"{sum(s == 'skipped' for s in statuses.values())} of {len(statuses)} checks")
    print(f"import torch: {before:.2f} s before, {torch_import():.2f} s after (median of 3)")


if __name__ == "__main__":
    main()
