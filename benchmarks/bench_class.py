"""Class-mode speed: one submission vs a class of N, as medians of fresh processes.

Usage:  .venv/bin/python benchmarks/bench_class.py [--n 16] [--runs 3] [--big 100] [--jobs 0]

Builds a class of N submissions in a temporary folder (copies of reference/ and
of the example submissions, round-robin), then reports:
- the median wall time of `grader check reference` (single),
- the median wall time of `grader check CLASS --jobs J` for N submissions,
- the ratio class / (N x single) (target: <= 0.40 on a 2-core machine),
- with --big M, one run of a class of M submissions (target for 100: <= 2 minutes, issue 15), next to
  `python -c "import torch"` timed just before and after (on a shared machine, the ratio travels better
  than the seconds), and whether every copy of one example got the same verdicts; --verdicts also grades
  each example of the mix alone and checks the class gave each copy the same verdicts as that single run,
- where the time goes per submission (from the per-student JSON reports).

--big-only skips the single runs and the class of N.
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

ROOT = Path(__file__).resolve().parents[1]
MIX = ["reference", "submissions/alice", "submissions/bob", "submissions/erin", "submissions/frank",
       "submissions/grace", "submissions/ken", "submissions/judy"]


def build_class(folder: Path, n: int) -> None:
    for i in range(n):
        src = ROOT / MIX[i % len(MIX)]
        shutil.copytree(src, folder / f"student{i:03d}", ignore=shutil.ignore_patterns("__pycache__"))


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    if proc.returncode not in (0, 1):
        sys.exit(f"grader {' '.join(args)} exited with {proc.returncode}")
    return time.perf_counter() - start


def where_time_goes(out: Path) -> None:
    totals: dict[str, list[float]] = {}
    for path in sorted(out.rglob("student*.json")):
        report = json.loads(path.read_text())
        totals.setdefault("whole submission", []).append(report["duration_s"])
        for key, value in report["environment"].get("timings_s", {}).items():
            totals.setdefault(key, []).append(value)
        for check in report["checks"]:
            totals.setdefault(check["id"], []).append(check["duration_s"])
    print("\nper submission, median over the class (s):")
    for key, values in totals.items():
        print(f"  {key:<28} {statistics.median(values):6.2f}")


def torch_import(runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import torch"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def verdicts(report: Path) -> dict[str, str]:
    return {c["id"]: c["status"] for c in json.loads(report.read_text())["checks"]}


def same_verdicts(out: Path, n: int, tmp: Path, singles: bool) -> None:
    """Every copy of one example has the same verdicts (and, with ``singles``, those of a single run of it)."""
    reports = {p.stem: p for p in out.rglob("student*.json")}
    for k, source in enumerate(MIX):
        got = {json.dumps(verdicts(reports[f"student{i:03d}"]), sort_keys=True)
               for i in range(k, n, len(MIX)) if f"student{i:03d}" in reports}
        line = f"  {source:<22} {len(got)} distinct verdict set(s) over its copies"
        if singles:
            timed(["check", str(ROOT / source), "--teacher", "--json", str(tmp / "one.json")], tmp)
            alone = json.dumps(verdicts(tmp / "one.json"), sort_keys=True)
            line += "; same as a single run" if got == {alone} else f"; DIFFERENT from a single run: {alone}"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=0, help="0: the number of cores")
    parser.add_argument("--big-only", action="store_true")
    parser.add_argument("--verdicts", action="store_true", help="compare with single runs of each example")
    opts = parser.parse_args()
    jobs = ["--jobs", str(opts.jobs)] if opts.jobs else []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not opts.big_only:
            small(opts, tmp, jobs)
        if opts.big:
            big = tmp / f"class{opts.big}"
            build_class(big, opts.big)
            before = torch_import()
            seconds = timed(["check", str(big), "--out", str(tmp / "outbig"), *jobs], tmp)
            after = torch_import()
            print(f"\nclass of {opts.big}: {seconds:.1f} s ({seconds / 60:.2f} min; target <= 2 min); "
                  f"import torch {before:.2f} s before, {after:.2f} s after (median of 3): "
                  f"{seconds / statistics.median([before, after]):.0f} x import torch")
            same_verdicts(tmp / "outbig", opts.big, tmp, opts.verdicts)


def small(opts, tmp: Path, jobs: list[str]) -> None:
    singles = [timed(["check", str(ROOT / "reference"), "--json", str(tmp / "single.json")], tmp)
               for _ in range(opts.runs)]
    klass = tmp / f"class{opts.n}"
    build_class(klass, opts.n)
    # --force: a second run into the same --out would re-use the first run's reports (docs/class-runs.md)
    classes = [timed(["check", str(klass), "--out", str(tmp / "out"), "--force", *jobs], tmp)
               for _ in range(opts.runs)]
    single, whole = statistics.median(singles), statistics.median(classes)
    print(f"single `grader check reference`: median {single:.2f} s over {opts.runs} runs")
    print(f"class of {opts.n}:                 median {whole:.2f} s over {opts.runs} runs")
    print(f"ratio class / ({opts.n} x single):  {whole / (opts.n * single):.3f}  (target <= 0.40)")
    where_time_goes(tmp / "out")


if __name__ == "__main__":
    main()
