"""What the stand-in machinery (grader/sandbox/stubs.py) costs a hand-in that imports nothing optional.

Each run is a fresh ``python -I`` process that imports torch (as the student process does), then
imports ``reference/``'s three files, once as today's ``child.py`` does (``stubs.py`` loaded by
path and installed first) and once without it; the two kinds of run alternate. It prints the
medians of:

- ``install``: loading ``stubs.py`` and installing it;
- ``import``: importing the three files, with and without it (the files are executed with the
  student's ``__builtins__``; every ``import`` statement in them goes through ``student_import``);
- ``statement``: one ``import torch`` statement executed in a submission's function, with and without.

Run: ``.venv/bin/python benchmarks/bench_standins.py [--runs 15]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r'''
import importlib, importlib.util, json, os, shutil, sys, time
import torch
submission, stubs_dir, use = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
out = {}
start = time.perf_counter()
if use:
    spec = importlib.util.spec_from_file_location("grader_student_stubs", os.path.join(stubs_dir, "stubs.py"))
    stubs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stubs)
    stubs.install(submission)
out["install"] = time.perf_counter() - start
sys.path.insert(0, submission)
start = time.perf_counter()
for name in ("tp1", "tp1_descente", "tp1_autograd", "bench_loop"):
    importlib.import_module(name)
out["import"] = time.perf_counter() - start
loop = sys.modules["bench_loop"].loop
start = time.perf_counter()
loop(100_000)
out["statement"] = (time.perf_counter() - start) / 100_000
print(json.dumps(out))
'''

LOOP = "def loop(n):\n    for _ in range(n):\n        import torch\n"


def run(submission: Path, runtime: Path, use: bool) -> dict:
    env = {"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "-I", "-c", PROBE, str(submission), str(runtime),
                             "1" if use else "0"], capture_output=True, text=True, env=env, check=True)
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        submission = Path(tmp, "submission")
        submission.mkdir()
        for name in ("tp1.py", "tp1_descente.py", "tp1_autograd.py"):
            (submission / name).write_text((ROOT / "reference" / name).read_text())
        (submission / "bench_loop.py").write_text(LOOP)
        runtime = Path(tmp, "work")  # a fresh copy, as in a student's work folder: no compiled cache
        runtime.mkdir()
        for name in ("stubs.py", "stubs_libs.py", "stubs_plot.py"):
            (runtime / name).write_text((ROOT / "grader" / "sandbox" / name).read_text())
        runs = {True: [], False: []}
        for _ in range(opts.runs):
            for use in (True, False):
                runs[use].append(run(submission, runtime, use))

    def median(use: bool, key: str) -> float:
        return statistics.median(r[key] for r in runs[use])

    print(f"({opts.runs} runs each, medians)")
    print(f"install stubs.py          {median(True, 'install') * 1e3:8.2f} ms")
    print(f"import the three files    {median(True, 'import') * 1e3:8.2f} ms with, "
          f"{median(False, 'import') * 1e3:8.2f} ms without")
    print(f"one `import torch` in a submission's function  {median(True, 'statement') * 1e9:6.0f} ns with, "
          f"{median(False, 'statement') * 1e9:6.0f} ns without")


if __name__ == "__main__":
    main()
