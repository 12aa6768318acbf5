"""Wall time of `grader check reference` next to `python -c "import torch"`, as medians.

Usage:  .venv/bin/python benchmarks/bench_check.py [--runs 5] [--submission reference]

Each run is a fresh process, as a teacher or CI would start it. Also prints
where the time goes in one run (per check, from the JSON report).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--submission", default="reference")
    opts = parser.parse_args()
    grader = [sys.executable, "-m", "grader", "check", opts.submission]
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        torch_times, grade_times = [], []
        for _ in range(opts.runs):
            torch_times.append(timed([sys.executable, "-c", "import torch"])[0])
            seconds, code = timed(grader + ["--json", str(report)])
            grade_times.append(seconds)
            if code not in (0, 1):
                sys.exit(f"grader exited with {code}")
        data = json.loads(report.read_text())
    print(f"runs: {opts.runs}")
    print(f'python -c "import torch"        median {statistics.median(torch_times):6.2f} s  '
          f"(min {min(torch_times):.2f}, max {max(torch_times):.2f})")
    print(f"grader check {opts.submission:<18} median {statistics.median(grade_times):6.2f} s  "
          f"(min {min(grade_times):.2f}, max {max(grade_times):.2f})  score {data['score']:g}/{data['max_score']:g}")
    print("\nwhere the time goes (last run):")
    for key, value in data["environment"].get("timings_s", {}).items():
        print(f"  {key:<26} {value:6.2f} s")
    for check in data["checks"]:
        print(f"  {check['id']:<26} {check['duration_s']:6.2f} s  {check['status']}")
    print(f"  {'total (in-process)':<26} {data['duration_s']:6.2f} s")


if __name__ == "__main__":
    main()
