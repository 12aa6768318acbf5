"""What each sandbox level adds to the cost of one submission (medians).

For each level (bwrap, unshare, none; the ones that work here) it measures, on ``reference/``:

- fresh: grading only ``load`` in a fresh student process (start, confine, import torch, import the
  three files), as a single ``grader check`` does;
- warm: the same through the class run's warm launcher (fork, namespaces, confine, import the files).

Run: ``.venv/bin/python benchmarks/bench_sandbox.py [--runs 7]``. The levels are interleaved run by
run. The difference between a level's median and the ``none`` median is what that level adds per
submission.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.config import GradingConfig  # noqa: E402
from grader.runner import grade  # noqa: E402
from grader.sandbox.isolation import LEVELS, resolve_level  # noqa: E402
from grader.sandbox.launcher import WarmLauncher  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    report = fn()
    elapsed = time.perf_counter() - start
    assert report.check("load").passed, report.check("load").message
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    opts = parser.parse_args()
    config = GradingConfig(only=("load",))
    levels = [lvl for lvl in LEVELS if resolve_level(lvl) == lvl]
    configs = {level: replace(config, sandbox=level) for level in levels}
    fresh: dict[str, list[float]] = {level: [] for level in levels}
    warm: dict[str, list[float]] = {level: [] for level in levels}
    for level in levels:
        grade(ROOT / "reference", configs[level])  # warm the caches (probe, imports)
    for _ in range(opts.runs):  # levels interleaved, so that a change of load on the machine hits them all
        for level in levels:
            fresh[level].append(timed(lambda: grade(ROOT / "reference", configs[level])))
    launchers = {level: WarmLauncher(level) for level in levels}
    try:
        for level in levels:
            grade(ROOT / "reference", configs[level], launcher=launchers[level])
        for _ in range(opts.runs):
            for level in levels:
                warm[level].append(timed(lambda: grade(ROOT / "reference", configs[level],
                                                       launcher=launchers[level])))
    finally:
        for launcher in launchers.values():
            launcher.close()
    results = {level: (statistics.median(fresh[level]), statistics.median(warm[level])) for level in levels}
    base = results.get("none", (0.0, 0.0))
    print(f"{'level':<8} {'fresh median':>13} {'added':>8} {'warm median':>12} {'added':>8}   ({opts.runs} runs)")
    for level, (fresh, warm) in results.items():
        print(f"{level:<8} {fresh:>12.3f}s {fresh - base[0]:>+7.3f}s {warm:>11.3f}s {warm - base[1]:>+7.3f}s")


if __name__ == "__main__":
    main()
