"""Wall time of `grader check reference` next to `python -c "import torch"`, as medians, and their ratio.

The two commands alternate (import torch, grade, import torch, grade, ...), so that a machine whose load
changes during the runs weighs on both alike; the ratio printed is the median of the five per-pair ratios
(target: <= 3.0, issue 15), next to the ratio of the medians.

Usage:  .venv/bin/python benchmarks/bench_check.py [--runs 5] [--submission reference]

Each run is a fresh process, as a teacher or CI would start it. Also prints
where the time goes in one run (per check, from the JSON report), and the CPU
time (user + system) of all the processes, which other work on a shared machine
barely changes: compare CPU medians there. The student process's CPU is counted
only at sandbox level ``none`` (under bwrap it dies with its PID namespace and is
never waited for), so run ``GRADER_SANDBOX=none .venv/bin/python
benchmarks/bench_check.py`` for CPU comparisons.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str]) -> tuple[float, int, float]:
    """(wall seconds, exit code, CPU seconds: user + system of the command and every process it waited for).

    The CPU time barely moves when other work loads the machine, the wall time does: compare CPU times
    when the machine is shared.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, proc.returncode, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--submission", default="reference")
    opts = parser.parse_args()
    grader = [sys.executable, "-m", "grader", "check", opts.submission]
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        torch_times, grade_times, torch_cpu, grade_cpu = [], [], [], []
        for _ in range(opts.runs):
            seconds, _, cpu = timed([sys.executable, "-c", "import torch"])
            torch_times.append(seconds)
            torch_cpu.append(cpu)
            seconds, code, cpu = timed(grader + ["--json", str(report)])
            grade_times.append(seconds)
            grade_cpu.append(cpu)
            if code not in (0, 1):
                sys.exit(f"grader exited with {code}")
        data = json.loads(report.read_text())
    print(f"runs: {opts.runs}")
    print(f'python -c "import torch"        median {statistics.median(torch_times):6.2f} s  '
          f"(min {min(torch_times):.2f}, max {max(torch_times):.2f})  CPU median {statistics.median(torch_cpu):.2f} s")
    print(f"grader check {opts.submission:<18} median {statistics.median(grade_times):6.2f} s  "
          f"(min {min(grade_times):.2f}, max {max(grade_times):.2f})  CPU median {statistics.median(grade_cpu):.2f} s  "
          f"score {data['score']:g}/{data['max_score']:g}")
    ratios = [g / t for g, t in zip(grade_times, torch_times)]
    print(f"ratio grader / import torch     median {statistics.median(ratios):6.2f}    "
          f"(per pair: {', '.join(f'{r:.2f}' for r in ratios)}; ratio of the medians "
          f"{statistics.median(grade_times) / statistics.median(torch_times):.2f}; target <= 3.0)")
    print("\nwhere the time goes (last run):")
    for key, value in data["environment"].get("timings_s", {}).items():
        print(f"  {key:<26} {value:6.2f} s")
    for check in data["checks"]:
        print(f"  {check['id']:<26} {check['duration_s']:6.2f} s  {check['status']}")
    print(f"  {'total (in-process)':<26} {data['duration_s']:6.2f} s")


if __name__ == "__main__":
    main()
