"""What the student's copy costs (medians): grader.handin.copy against the copy it replaced.

Hand-ins, made in a temporary folder:

- ``reference``: the three lab files (what almost every hand-in is);
- ``with data``: the reference plus a ``data/`` folder of 200 files of 100 KB (20 MB);
- ``with venv``: the reference plus a ``venv/`` of 2,000 small ``.py`` files and 30 files of 2 MB (60 MB:
  past the 50 MB budget, so part of it is left out).

``new`` is :func:`grader.handin.copy_handin` (walk, plan, read each file once through a descriptor, hash the
``.py`` files while copying). ``old`` is what it replaced: ``shutil.copytree`` with the name- and size-based
ignore, then ``rglob("*.py")`` hashed by reading every file again (it followed links; the old code is
copied here to be measured, not imported); it left ``data/`` and ``venv/`` out by name, so it copied less.
``copytree`` is a plain ``shutil.copytree`` of everything, no hashing: the floor for copying the same files
as ``new`` on this file system.

Run: ``.venv/bin/python benchmarks/bench_copy.py [--runs 7]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.handin import copy_handin  # noqa: E402

OLD_IGNORED = {"__pycache__", ".git", ".ipynb_checkpoints", "runs", ".venv", "venv", "data", "grader-reports"}


def old_copy(src: Path, dst: Path) -> dict[str, str]:
    total = 0

    def ignore(folder: str, names: list[str]) -> set[str]:
        nonlocal total
        skipped = {n for n in names if n in OLD_IGNORED}
        for n in names:
            p = Path(folder, n)
            if n not in skipped and p.is_file() and not p.is_symlink():
                total += p.stat().st_size
                if total > 50 * 2**20 and not n.endswith(".py"):
                    skipped.add(n)
            elif p.is_symlink():
                skipped.add(n)
        return skipped

    shutil.copytree(src, dst, ignore=ignore, symlinks=False)
    return {str(p.relative_to(src)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(src.rglob("*.py"))[:200] if p.is_file() and "__pycache__" not in p.parts}


def make(base: Path) -> dict[str, Path]:
    handins = {}
    for name in ("reference", "with data", "with venv"):
        folder = base / name.replace(" ", "_")
        shutil.copytree(ROOT / "reference", folder)
        handins[name] = folder
    data = handins["with data"] / "data"
    data.mkdir()
    for i in range(200):
        (data / f"part{i:03}.bin").write_bytes(os.urandom(100_000))
    venv = handins["with venv"] / "venv" / "lib"
    venv.mkdir(parents=True)
    for i in range(2000):
        (venv / f"m{i:04}.py").write_text(f"X = {i}\n" * 20)
    for i in range(30):
        (venv / f"lib{i:02}.so").write_bytes(os.urandom(2 * 2**20))
    return handins


def timed(copy, src: Path, work: Path) -> float:
    dst = work / "copy"
    start = time.perf_counter()
    copy(src, dst)
    seconds = time.perf_counter() - start
    shutil.rmtree(dst)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="bench-copy-") as tmp:
        base = Path(tmp)
        handins = make(base)
        print(f"{'hand-in':<12} {'old':>11} {'copytree':>11} {'new':>11}   (medians of {runs} runs)")
        for name, src in handins.items():
            times = [statistics.median(timed(copy, src, base) for _ in range(runs))
                     for copy in (old_copy, shutil.copytree, copy_handin)]
            print(f"{name:<12}" + "".join(f" {s * 1000:>8.1f} ms" for s in times))


if __name__ == "__main__":
    main()
