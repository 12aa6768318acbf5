"""What installing each optional library students import would add to the grading environment.

For every candidate, pip resolves it (``--dry-run --ignore-installed --report``), the packages the
grader already depends on (torch, numpy, scikit-learn, Rich, Typer and theirs) are taken away, and
the rest is installed with ``--no-deps --target`` into a scratch folder whose size is measured:
the disk a ``pip install 'grader[...]'`` would add on top of the grader itself. Nothing is
installed into the current environment.

    .venv/bin/python benchmarks/optional_sizes.py [CANDIDATE ...]

It prints a Markdown table (docs/optional-modules.md quotes it). Needs pip to reach a package
index (or a local mirror).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

CANDIDATES = ("tqdm", "matplotlib", "pandas", "tensorboard", "tensorboardX", "icecream", "seaborn",
              "datamaestro", "plotly", "wandb", "ipython", "ipdb", "pdbpp")
GRADER_DEPENDENCIES = ("torch==2.13.0", "numpy>=1.26", "scikit-learn>=1.4", "rich>=13", "typer>=0.12")


def resolve(requirements: list[str], scratch: Path) -> dict[str, str]:
    """name -> version of everything pip would install for ``requirements`` in an empty environment."""
    report = scratch / "report.json"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--dry-run", "--ignore-installed",
                    "--report", str(report), *requirements], check=True, capture_output=True)
    installs = json.loads(report.read_text())["install"]
    return {_canonical(i["metadata"]["name"]): i["metadata"]["version"] for i in installs}


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def measure(candidate: str, base: dict[str, str], scratch: Path) -> tuple[list[str], int]:
    """The packages ``candidate`` adds to the grader's environment and their installed size in bytes."""
    added = {n: v for n, v in resolve([candidate], scratch).items() if n not in base}
    target = scratch / candidate
    if added:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-compile",
                        "--target", str(target), *(f"{n}=={v}" for n, v in added.items())],
                       check=True, capture_output=True)
    size = folder_size(target) if target.exists() else 0
    return sorted(f"{n} {v}" for n, v in added.items()), size


def main(argv: list[str]) -> None:
    candidates = argv or list(CANDIDATES)
    with tempfile.TemporaryDirectory(prefix="optional-sizes-") as tmp:
        scratch = Path(tmp)
        base = resolve(list(GRADER_DEPENDENCIES), scratch)
        print("| module | packages added to the grader's | installed size |")
        print("|---|---|---|")
        for candidate in candidates:
            packages, size = measure(candidate, base, scratch)
            shown = ", ".join(packages[:6]) + (f", … ({len(packages)} in all)" if len(packages) > 6 else "")
            print(f"| {candidate} | {shown} | {size / 1e6:.1f} MB |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
