"""Re-grading only what changed: a second run of an unchanged class, and a run after one late fix.

Usage:  .venv/bin/python benchmarks/bench_regrade.py [--n 100] [--runs 3] [--all-checks | --load-only]

Builds a class of N hand-ins (copies of reference/ and the example submissions, round-robin), grades it
once into OUT, then reports the median wall time of `grader check CLASS --out OUT` again with nothing
changed (every report re-used: every class file is still rewritten), of the same after one student's
file changed (one hand-in graded), and the first run for scale. By default the checks are limited to the
function checks (`--only`) so the first run stays short on a busy machine; what a re-used run costs does
not depend on the checks (the key is computed from the files, the reports are read back and the class
files written), except the HTML reference curves of training checks, which `--all-checks` includes;
`--load-only` makes the first run cheapest (only `load`; smaller reports to read back).
"""

from __future__ import annotations

import argparse
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
FUNCTION_CHECKS = ["load", "mse.forward", "mse.backward", "mse.gradcheck", "linear.forward", "linear.backward",
                   "linear.gradcheck", "context.isolation", "descent.manual"]


def timed(args: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        sys.exit(f"grader {' '.join(args)} exited with {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return time.perf_counter() - start, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--all-checks", action="store_true")
    parser.add_argument("--load-only", action="store_true")
    args = parser.parse_args()
    checks = ["load"] if args.load_only else FUNCTION_CHECKS
    only = [] if args.all_checks else [x for cid in checks for x in ("--only", cid)]
    with tempfile.TemporaryDirectory(prefix="bench-regrade-") as tmp:
        work = Path(tmp)
        klass = work / "class"
        for i in range(args.n):
            shutil.copytree(ROOT / MIX[i % len(MIX)], klass / f"student{i:03d}",
                            ignore=shutil.ignore_patterns("__pycache__"))
        command = ["check", str(klass), "--out", str(work / "out"), *only]
        first, _ = timed(command, work)
        print(f"first run, {args.n} hand-ins graded: {first:.1f} s")
        unchanged = []
        for _ in range(args.runs):
            seconds, stdout = timed(command, work)
            if f"{args.n} reports re-used" not in stdout:
                sys.exit("the second run did not re-use every report:\n" + stdout)
            unchanged.append(seconds)
        print(f"unchanged class, every report re-used: median {statistics.median(unchanged):.1f} s "
              f"(runs: {', '.join(f'{s:.1f}' for s in unchanged)})")
        one_fix = []
        for run in range(args.runs):
            (klass / "student000" / "tp1.py").write_text(
                (ROOT / "reference" / "tp1.py").read_text() + f"\n# fix {run}\n")
            seconds, stdout = timed(command, work)
            if f"{args.n - 1} reports re-used" not in stdout:
                sys.exit("the run after one fix did not re-use the others:\n" + stdout)
            one_fix.append(seconds)
        print(f"one hand-in changed, the others re-used: median {statistics.median(one_fix):.1f} s")


if __name__ == "__main__":
    main()
